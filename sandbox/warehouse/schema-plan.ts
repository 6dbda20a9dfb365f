/**
 * Decides how a table's columns must change before a batch can be appended: new fields become new
 * columns (schema drift adds, never fails), and inferred columns widen when a value needs a wider
 * type. Declared columns never change type; a value that does not fit one is stored as NULL and
 * stays readable in `_raw`. Pure: the caller applies the plan inside the batch's transaction.
 */
import type { ColumnState } from './catalog';
import type { FieldSchema, FieldType } from './field-types';
import { inferType, widenType } from './field-types';

export interface SchemaPlan {
  /** Columns to add, in the order their fields were first seen (declared ones first). */
  added: { field: string; type: FieldType; declared: boolean }[];
  /** Inferred columns whose type must widen. */
  widened: { field: string; from: FieldType; to: FieldType }[];
}

/**
 * @param existing the table's field columns now, by field name (empty for a new table)
 * @param declared the layer's declared schema, if any
 * @param rows the parsed top-level fields of the batch's records (null for unparsed ones)
 * @param isNewTable whether to create columns for every declared field, seen or not
 */
export function planSchema(
  existing: ReadonlyMap<string, ColumnState>,
  declared: FieldSchema | undefined,
  rows: readonly (Record<string, unknown> | null)[],
  isNewTable: boolean,
): SchemaPlan {
  const added = new Map<string, { field: string; type: FieldType | undefined; declared: boolean }>();
  const needed = new Map<string, FieldType>();
  if (isNewTable && declared !== undefined) {
    for (const [field, type] of Object.entries(declared)) added.set(field, { field, type, declared: true });
  }
  for (const fields of rows) {
    if (fields === null) continue;
    for (const field in fields) {
      const column = existing.get(field);
      if (column?.declared) continue;
      const declaredType = declared?.[field];
      if (column === undefined && declaredType !== undefined) {
        if (!added.has(field)) added.set(field, { field, type: declaredType, declared: true });
        continue;
      }
      const seen = inferType(fields[field]);
      if (column === undefined) {
        const pending = added.get(field);
        if (pending === undefined) added.set(field, { field, type: seen, declared: false });
        else pending.type = widenType(pending.type, seen);
      } else if (seen !== undefined) {
        const wider = widenType(needed.get(field) ?? column.type, seen);
        if (wider !== undefined && wider !== column.type) needed.set(field, wider);
      }
    }
  }
  const plan: SchemaPlan = { added: [], widened: [] };
  // A field seen only as null gets no column yet: its first real value will type it, where a guess
  // now (VARCHAR, the only type everything widens into) would stay VARCHAR forever.
  for (const a of added.values()) {
    if (a.type !== undefined) plan.added.push({ field: a.field, type: a.type, declared: a.declared });
  }
  for (const [field, to] of needed) {
    const column = existing.get(field);
    if (column !== undefined) plan.widened.push({ field, from: column.type, to });
  }
  return plan;
}
