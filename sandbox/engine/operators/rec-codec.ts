// Buffered records (joins hold them) snapshot as plain arrays.
import { Rec, type Lineage } from '../record';

export function saveRec(r: Rec): unknown[] {
  return [r.key, r.value, r.ts, r.idBase, r.seq, r.suffix, r.lin, r.retract];
}

export function loadRec(saved: unknown): Rec {
  const [key, value, ts, idBase, seq, suffix, lin, retract] = saved as [unknown, unknown, number, string, number, string, Lineage | null, boolean];
  return new Rec(key, value, ts, idBase, seq, suffix, lin, retract);
}
