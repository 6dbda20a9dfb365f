// Value codecs for bronze sources. A runner hands over raw bytes; the test driver hands over objects.
// Both work: a value that is already decoded passes through.
import type { Codec } from './types';

function text(raw: unknown): string {
  if (typeof raw === 'string') return raw;
  if (raw instanceof Uint8Array) return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8');
  throw new Error(`expected bytes or a string, got ${typeof raw}`);
}

/**
 * JSON values typed as T. Types are trusted, not checked: pass `validate` to check them, and a record
 * that fails goes to the source's dead-letter output.
 * @example value: json<Order>()
 */
export function json<T>(options: { validate?: (value: unknown) => value is T } = {}): Codec<T> {
  const validate = options.validate;
  return {
    name: 'json',
    decode(raw: unknown): T {
      const value: unknown = typeof raw === 'string' || raw instanceof Uint8Array ? JSON.parse(text(raw)) : raw;
      if (validate !== undefined && !validate(value)) throw new Error('the value failed the codec\'s validate()');
      return value as T;
    },
  };
}

/** UTF-8 text values. */
export function utf8(): Codec<string> {
  return { name: 'utf8', decode: text };
}
