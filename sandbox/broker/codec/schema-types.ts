/**
 * The shape of the declarative message schemas that scripts/generate-codec.ts derives from Kafka's
 * JSON message specs. The interpreter walks these; nothing here knows a particular message.
 */

/** An inclusive version range; open-ended ranges ("3+") end at 32767, the largest int16. */
export type VersionRange = readonly [min: number, max: number];

export const MAX_VERSION = 0x7fff;

export type PrimitiveType =
  | 'int8' | 'int16' | 'int32' | 'int64' | 'uint16' | 'uint32' | 'float64' | 'bool'
  | 'string' | 'bytes' | 'records' | 'uuid';

export interface FieldSchema {
  /** camelCase, as it appears in the TypeScript interfaces. */
  readonly name: string;
  /** A primitive, a single nested struct, or an array (see `elementType`). */
  readonly type: PrimitiveType | 'struct' | 'array';
  /** For arrays: a primitive, or 'struct' with the element's `fields`. */
  readonly elementType?: PrimitiveType | 'struct';
  readonly versions: VersionRange;
  readonly nullableVersions: VersionRange | null;
  readonly taggedVersions: VersionRange | null;
  readonly tag: number | null;
  /** The spec's explicit default, parsed; absent means the type's default (0, false, '', empty, null records). */
  readonly default?: number | boolean | string | null;
  /** A per-field override of the message's flexible versions (only RequestHeader.ClientId has one: none). */
  readonly flexibleVersions?: VersionRange | null;
  /** The TypeScript interface of a struct or of an array's struct elements. */
  readonly structName?: string;
  readonly fields?: readonly FieldSchema[];
}

export interface MessageSchema {
  readonly apiKey: number | null;
  readonly name: string;
  readonly kind: 'request' | 'response' | 'header' | 'data';
  readonly validVersions: VersionRange;
  /** The first flexible version, or null when no version is flexible. */
  readonly flexibleVersions: number | null;
  readonly fields: readonly FieldSchema[];
}

export function inRange(range: VersionRange | null | undefined, version: number): boolean {
  return range != null && version >= range[0] && version <= range[1];
}
