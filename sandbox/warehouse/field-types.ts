/**
 * The types of the typed columns: the vocabulary a layer declares (`{ name: type }`), the DuckDB
 * type each maps to, and how an undeclared column's type is inferred and widened from the values
 * seen.
 */

/** A field type as a layer declares it. */
export type FieldType = 'string' | 'number' | 'integer' | 'boolean' | 'timestamp' | 'json';

/** A layer's declared schema: top-level field name to type. */
export type FieldSchema = Readonly<Record<string, FieldType>>;

export const fieldTypes: readonly FieldType[] = ['string', 'number', 'integer', 'boolean', 'timestamp', 'json'];

const duckdbTypes: Record<FieldType, string> = {
  string: 'VARCHAR',
  number: 'DOUBLE',
  integer: 'BIGINT',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMP',
  json: 'JSON',
};

export function duckdbTypeOf(type: FieldType): string {
  return duckdbTypes[type];
}

export function isFieldType(value: unknown): value is FieldType {
  return typeof value === 'string' && (fieldTypes as readonly string[]).includes(value);
}

/**
 * The narrowest inferred type of one JSON value, or undefined for null (which fits every column).
 * Integers beyond 2^53 are already rounded by JSON.parse, so they count as numbers.
 * Strings stay strings: timestamps are only typed when a schema declares them, because guessing
 * from the text would type a column by its first few values.
 */
export function inferType(value: unknown): FieldType | undefined {
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'number':
      return Number.isSafeInteger(value) ? 'integer' : 'number';
    case 'object':
      return value === null ? undefined : 'json';
    default:
      return undefined;
  }
}

/**
 * The type an inferred column needs to hold values of both types. It depends only on the set of
 * types seen, so the order records arrive in does not change the result:
 * any string makes VARCHAR; otherwise nested values, or booleans mixed with numbers, make JSON
 * (which keeps each value's own JSON type); integers mixed with doubles make DOUBLE.
 * Each step is a cast DuckDB can do on existing data (BIGINT → DOUBLE, anything → VARCHAR,
 * scalars → JSON), which is what lets the column be widened in place with ALTER TABLE.
 */
export function widenType(a: FieldType | undefined, b: FieldType | undefined): FieldType | undefined {
  if (a === undefined) return b;
  if (b === undefined || a === b) return a;
  if (a === 'string' || b === 'string') return 'string';
  if ((a === 'integer' && b === 'number') || (a === 'number' && b === 'integer')) return 'number';
  return 'json';
}
