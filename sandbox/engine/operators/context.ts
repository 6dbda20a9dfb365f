// What every operator of one job shares: the output buffers, the trace hook, lineage settings, the
// clock and the error policy of each layer.
import type { Clock } from '../time';
import type { ErrorPolicy } from '../plan';
import type { TraceFn } from '../trace';
import { PipelineFailure, RecordError, errorMessage, userLocation } from '../errors';
import type { ChangeKind, DeadLetterRecord, Lineage, OutputRecord, Rec } from '../record';

/** The layer (or bronze source) an operator belongs to. */
export interface Owner {
  readonly name: string;
  readonly topic: string;
  readonly onError: ErrorPolicy;
}

/** Counters the job reports: per layer and rule, how many records passed and failed. */
export interface Metrics {
  expectations: Record<string, { passed: number; failed: number; action: string }>;
  late: Record<string, number>;
  deadLetters: Record<string, number>;
  duplicates: Record<string, number>;
}

export class JobContext {
  readonly buffers = new Map<string, OutputRecord[]>();
  readonly topics = new Map<string, string>();
  readonly metrics: Metrics = { expectations: {}, late: {}, deadLetters: {}, duplicates: {} };
  /**
   * Records written to any output since the last drain: a runner drains once enough wait, because
   * records held longer than a young-generation collection's interval are copied by it.
   */
  pending = 0;
  /** Side outputs that a downstream operator also reads as a stream, and who reads them. */
  private readonly readers = new Map<string, ((record: OutputRecord) => void)[]>();

  constructor(
    readonly clock: Clock,
    readonly trace: TraceFn | null,
    /** 0 turns lineage off; otherwise the most positions kept per record. */
    readonly maxPositions: number,
  ) {}

  declareOutput(name: string, topic: string): void {
    if (this.buffers.has(name)) throw new Error(`two outputs are named "${name}"`);
    this.buffers.set(name, []);
    this.topics.set(name, topic);
  }

  /** The buffer of one output, for operators that write to it on every record. */
  bufferOf(output: string): OutputRecord[] {
    const buffer = this.buffers.get(output);
    if (buffer === undefined) throw new Error(`unknown output "${output}"`);
    return buffer;
  }

  /** Lets `reader` see every record written to a side output, right after it is buffered. */
  read(output: string, reader: (record: OutputRecord) => void): void {
    if (!this.buffers.has(output)) throw new Error(`unknown output "${output}"`);
    const list = this.readers.get(output);
    if (list === undefined) this.readers.set(output, [reader]);
    else list.push(reader);
  }

  /** Appends a record to an output. `lin` is used as given: callers pass a copy when they keep mutating it. */
  write(output: string, kind: ChangeKind, id: string, key: unknown, value: unknown, eventTime: number, lin: Lineage | null): void {
    const buffer = this.buffers.get(output);
    if (buffer === undefined) throw new Error(`unknown output "${output}"`);
    const record: OutputRecord = { output, topic: this.topics.get(output)!, kind, id, key, value, eventTime, lineage: this.maxPositions > 0 ? lin : null };
    buffer.push(record);
    this.pending++;
    const readers = this.readers.get(output);
    // Synchronous, in write order: a side output read as a stream stays as deterministic as the rest.
    if (readers !== undefined) for (const reader of readers) reader(record);
  }

  /** The lineage a record carries out of the engine, or null when lineage is off. */
  lineage(rec: Rec): Lineage | null {
    if (this.maxPositions === 0) return null;
    return rec.lin ?? { positions: [rec.position()], total: 1 };
  }

  /**
   * Routes a user callback's error: to the owner's dead-letter output, or out of the job when the
   * owner says `onError: 'fail'`.
   */
  deadLetter(owner: Owner, operator: string, definedAt: string | null, rec: Rec, error: unknown): void {
    const stack = error instanceof Error ? error.stack : undefined;
    if (owner.onError === 'fail') {
      throw new PipelineFailure(`${operator} in layer "${owner.name}" threw on record ${rec.id()}: ${errorMessage(error)}`, owner.name, operator, error);
    }
    const location = error instanceof RecordError ? null : userLocation(stack);
    const value: DeadLetterRecord = { record: rec.value, operator, definedAt, error: errorMessage(error), location };
    this.metrics.deadLetters[owner.name] = (this.metrics.deadLetters[owner.name] ?? 0) + 1;
    this.write(`${owner.name}.dead_letter`, 'insert', rec.id(), rec.key, value, rec.ts, this.lineage(rec));
  }
}
