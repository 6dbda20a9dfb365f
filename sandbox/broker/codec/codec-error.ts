/**
 * The one error the codec throws for bytes it cannot accept (truncated, negative or oversized
 * lengths, nulls where the schema forbids them) and for values it cannot encode. Callers catch this
 * class to tell a misbehaving peer from a bug in their own code.
 */
export class CodecError extends Error {
  override readonly name = 'CodecError';
}
