// Errors the engine raises, and how a user's stack frame is found in a thrown error.

/** An error the engine raises about a record (an unusable event time), not thrown by user code: it has no user location. */
export class RecordError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordError';
  }
}

/** Thrown out of the job when a layer's policy is to fail: an expectation with action `fail`, or a transform error under `onError: 'fail'`. */
export class PipelineFailure extends Error {
  constructor(
    message: string,
    readonly layer: string,
    readonly operator: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'PipelineFailure';
  }
}

// Frames inside the engine or the authoring API are never the user's code. Node's own frames
// (node:internal, native functions such as JSON.parse) carry no file:line:column and are skipped.
const INTERNAL = /[\\/]sandbox[\\/](?:engine|pipeline[\\/]authoring)[\\/]|node:internal|node_modules[\\/]tsx[\\/]/;
const USER_IN_INTERNAL = /\.test\.ts$|[\\/]testdata[\\/]/;
const FRAME = /\(?((?:file:\/\/)?[^\s()]+):(\d+):(\d+)\)?\s*$/;

/**
 * The first stack frame outside the engine, as `file:line:column`. The runner bundles user code
 * with source maps, so under `--enable-source-maps` this points at the user's .ts line.
 */
export function userLocation(stack: string | undefined): string | null {
  if (!stack) return null;
  for (const line of stack.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed.startsWith('at ')) continue;
    const m = FRAME.exec(trimmed);
    // Tests and test fixtures beside the engine's code are user code as far as a report is concerned.
    if (!m || (INTERNAL.test(m[1]!) && !USER_IN_INTERNAL.test(m[1]!))) continue;
    return `${m[1]!}:${m[2]!}:${m[3]!}`;
  }
  return null;
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return `thrown value: ${String(error)}`;
}

/** Where an authoring call was made: captured once per operator at definition, never per record. */
export function callSite(): string | null {
  return userLocation(new Error().stack);
}
