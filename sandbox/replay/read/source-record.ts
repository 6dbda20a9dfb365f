// What every reader yields: one record of a source file with its exact bytes and where it was.

/** One record read from a source file. */
export interface SourceRecord {
  /** The file it was read from, as given to the reader. */
  file: string;
  /** The 1-based line it starts on, for error messages. */
  line: number;
  /**
   * A number that grows with every record of the file (the line for NDJSON, the element index
   * for JSON arrays, the last line of the row for CSV); the replay state stores it to resume.
   */
  position: number;
  /** Offset just past the record in the file, for progress and for seeking on resume. */
  byteEnd: number;
  /** The record's bytes as they are to be produced. */
  raw: Buffer;
  /** The parsed value, when it parsed. */
  value?: unknown;
  /** Why it did not parse; such a record is replayed as its raw bytes, marked suspect. */
  error?: string;
  /** The content type of `raw`. */
  contentType: 'application/json' | 'application/octet-stream';
  /**
   * The values of the top-level members the reader was asked for, in the order asked, when the
   * record is a JSON object (an absent member is undefined). Set only by readers that find them
   * without building the whole value (NDJSON); otherwise read them from `value`.
   */
  members?: unknown[];
}

/** Where to start reading a file, from a replay state. */
export interface ReadStart {
  /** Records at or below this position are skipped. @default 0 */
  afterPosition?: number;
  /** For NDJSON only: the byte offset matching `afterPosition`, so reading can seek instead of rescan. @default 0 */
  byteOffset?: number;
}

/** Parses JSON and reports the error message instead of throwing. */
export function tryParseJson(text: string): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (error) {
    return { error: `invalid JSON: ${(error as Error).message}` };
  }
}
