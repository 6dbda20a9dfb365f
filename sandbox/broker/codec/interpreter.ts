/**
 * The generic encoder and decoder of the declarative schemas. Each (schema, version) pair is compiled
 * once into a tree of closures that already know which fields exist, which are tagged, which are
 * nullable and whether lengths are compact, so the hot path (Produce requests, Fetch responses) does
 * no version-range checks per field per call.
 *
 * Decoding fills in the default of every field absent at the decoded version (or a tagged field not
 * sent), as Kafka's generated Java code does, so decoded requests always have every field.
 * Encoding writes the default for a field left undefined, and skips fields the version lacks.
 */
import { CodecError } from './codec-error';
import { NULL_UUID, Reader, Writer } from './primitives';
import { inRange, type FieldSchema, type MessageSchema, type PrimitiveType } from './schema-types';

type Encode = (w: Writer, v: unknown) => void;
type Decode = (r: Reader) => unknown;

interface Codec {
  readonly encode: Encode;
  readonly decode: Decode;
  /** The fewest bytes an encoding can take, used to refuse impossible array counts early. */
  readonly minSize: number;
}

/** A message (or struct) compiled for one version. */
export interface CompiledStruct {
  encode(w: Writer, value: unknown): void;
  decode(r: Reader): Record<string, unknown>;
}

const EMPTY = Buffer.alloc(0);

/** The value a field takes when it is absent: the spec's default, else the type's. */
export function defaultFactory(field: FieldSchema): () => unknown {
  if (field.default !== undefined) {
    const d = field.default;
    return () => d;
  }
  switch (field.type) {
    case 'array':
      return () => [];
    case 'struct': {
      const makers = (field.fields ?? []).map((f) => [f.name, defaultFactory(f)] as const);
      return () => {
        const o: Record<string, unknown> = {};
        for (const [name, make] of makers) o[name] = make();
        return o;
      };
    }
    case 'bool':
      return () => false;
    case 'string':
      return () => '';
    case 'bytes':
      return () => EMPTY;
    case 'records':
      return () => null;
    case 'uuid':
      return () => NULL_UUID;
    default:
      return () => 0;
  }
}

/** Whether a value equals a field's default, deciding if a tagged field needs to be written at all. */
function sameAsDefault(v: unknown, d: unknown): boolean {
  if (v === d) return true;
  if (v === null || d === null || typeof v !== 'object' || typeof d !== 'object') return false;
  if (Buffer.isBuffer(v) || Buffer.isBuffer(d)) return Buffer.isBuffer(v) && Buffer.isBuffer(d) && v.equals(d);
  if (Array.isArray(v) || Array.isArray(d)) return Array.isArray(v) && Array.isArray(d) && v.length === 0 && d.length === 0;
  const dv = d as Record<string, unknown>;
  const vv = v as Record<string, unknown>;
  return Object.keys(dv).every((k) => vv[k] === undefined || sameAsDefault(vv[k], dv[k]));
}

function nullError(path: string, version: number): CodecError {
  return new CodecError(`${path}: null is not allowed at version ${version}`);
}

function primitiveCodec(type: PrimitiveType, compact: boolean, nullable: boolean, path: string, version: number): Codec {
  switch (type) {
    case 'int8':
      return { encode: (w, v) => w.int8(v as number), decode: (r) => r.int8(path), minSize: 1 };
    case 'int16':
      return { encode: (w, v) => w.int16(v as number), decode: (r) => r.int16(path), minSize: 2 };
    case 'uint16':
      return { encode: (w, v) => w.uint16(v as number), decode: (r) => r.uint16(path), minSize: 2 };
    case 'int32':
      return { encode: (w, v) => w.int32(v as number), decode: (r) => r.int32(path), minSize: 4 };
    case 'uint32':
      return { encode: (w, v) => w.uint32(v as number), decode: (r) => r.uint32(path), minSize: 4 };
    case 'int64':
      return { encode: (w, v) => w.int64(v as number), decode: (r) => r.int64(path), minSize: 8 };
    case 'float64':
      return { encode: (w, v) => w.float64(v as number), decode: (r) => r.float64(path), minSize: 8 };
    case 'bool':
      return { encode: (w, v) => w.bool(v as boolean), decode: (r) => r.bool(path), minSize: 1 };
    case 'uuid':
      return { encode: (w, v) => w.uuid(v as string), decode: (r) => r.uuid(path), minSize: 16 };
    case 'string': {
      const write = compact ? (w: Writer, s: string | null) => w.compactString(s) : (w: Writer, s: string | null) => w.string(s);
      const read = compact ? (r: Reader) => r.compactString(path) : (r: Reader) => r.string(path);
      return {
        encode: (w, v) => {
          if (v === null && !nullable) throw nullError(path, version);
          write(w, v as string | null);
        },
        decode: (r) => {
          const s = read(r);
          if (s === null && !nullable) throw nullError(path, version);
          return s;
        },
        minSize: compact ? 1 : 2,
      };
    }
    case 'bytes':
    case 'records': {
      const view = compact ? (r: Reader) => r.compactBytesView(path) : (r: Reader) => r.bytesView(path);
      // Records stay a view of the frame (they can be megabytes); other bytes are copied so a value
      // kept by a handler does not pin the whole frame.
      const copy = type === 'bytes';
      return {
        encode: (w, v) => {
          if (v === null || v === undefined) {
            if (!nullable) throw nullError(path, version);
            w.arrayLength(null, compact);
          } else if (Array.isArray(v)) {
            const chunks = v as Buffer[];
            let total = 0;
            for (const c of chunks) total += c.length;
            if (compact) w.uvarint(total + 1);
            else w.int32(total);
            for (const c of chunks) w.raw(c);
          } else if (compact) {
            w.compactBytes(v as Buffer);
          } else {
            w.bytes(v as Buffer);
          }
        },
        decode: (r) => {
          const b = view(r);
          if (b === null) {
            if (!nullable) throw nullError(path, version);
            return null;
          }
          return copy ? Buffer.from(b) : b;
        },
        minSize: compact ? 1 : 4,
      };
    }
  }
}

function arrayCodec(element: Codec, compact: boolean, nullable: boolean, path: string, version: number): Codec {
  const { encode: encodeElement, decode: decodeElement, minSize } = element;
  return {
    encode: (w, v) => {
      if (v === null) {
        if (!nullable) throw nullError(path, version);
        w.arrayLength(null, compact);
        return;
      }
      if (!Array.isArray(v)) throw new CodecError(`${path}: expected an array, got ${typeof v}`);
      w.arrayLength(v.length, compact);
      for (let i = 0; i < v.length; i++) encodeElement(w, v[i]);
    },
    decode: (r) => {
      const n = r.arrayLength(compact, minSize, path);
      if (n === -1) {
        if (!nullable) throw nullError(path, version);
        return null;
      }
      const out = new Array<unknown>(n);
      for (let i = 0; i < n; i++) out[i] = decodeElement(r);
      return out;
    },
    minSize: compact ? 1 : 4,
  };
}

function fieldCodec(field: FieldSchema, version: number, flexible: boolean, path: string): Codec {
  const compact = flexible && (field.flexibleVersions === undefined || inRange(field.flexibleVersions, version));
  const nullable = inRange(field.nullableVersions, version);
  if (field.type === 'struct') return compileFields(field.fields ?? [], version, flexible, path);
  if (field.type === 'array') {
    const element = field.elementType === 'struct' || field.elementType === undefined
      ? compileFields(field.fields ?? [], version, flexible, `${path}[]`)
      : primitiveCodec(field.elementType, compact, false, `${path}[]`, version);
    return arrayCodec(element, compact, nullable, path, version);
  }
  return primitiveCodec(field.type, compact, nullable, path, version);
}

interface TaggedField {
  readonly tag: number;
  readonly name: string;
  readonly codec: Codec;
  readonly makeDefault: () => unknown;
}

function compileFields(fields: readonly FieldSchema[], version: number, flexible: boolean, path: string): Codec & CompiledStruct {
  const names: string[] = [];
  const codecs: Codec[] = [];
  const defaults: (() => unknown)[] = [];
  const absent: [string, () => unknown][] = [];
  const tagged: TaggedField[] = [];
  let minSize = flexible ? 1 : 0;
  for (const field of fields) {
    const makeDefault = defaultFactory(field);
    if (!inRange(field.versions, version)) {
      absent.push([field.name, makeDefault]);
      continue;
    }
    const codec = fieldCodec(field, version, flexible, `${path}.${field.name}`);
    if (flexible && field.tag !== null && inRange(field.taggedVersions, version)) {
      tagged.push({ tag: field.tag, name: field.name, codec, makeDefault });
      continue;
    }
    names.push(field.name);
    codecs.push(codec);
    defaults.push(makeDefault);
    minSize += codec.minSize;
  }
  tagged.sort((a, b) => a.tag - b.tag);
  const byTag = new Map(tagged.map((t) => [t.tag, t]));
  const encoders = codecs.map((c) => c.encode);
  const decoders = codecs.map((c) => c.decode);
  const count = names.length;
  const taggedWhat = `${path} tagged fields`;

  const encode = (w: Writer, value: unknown): void => {
    if (typeof value !== 'object' || value === null) throw new CodecError(`${path}: expected an object, got ${value === null ? 'null' : typeof value}`);
    const o = value as Record<string, unknown>;
    for (let i = 0; i < count; i++) {
      const v = o[names[i] as string];
      (encoders[i] as Encode)(w, v === undefined ? (defaults[i] as () => unknown)() : v);
    }
    if (!flexible) return;
    if (tagged.length === 0) {
      w.emptyTaggedFields();
      return;
    }
    const present: { tag: number; data: Buffer }[] = [];
    for (const t of tagged) {
      const v = o[t.name];
      if (v === undefined || sameAsDefault(v, t.makeDefault())) continue;
      const sub = new Writer(64);
      t.codec.encode(sub, v);
      present.push({ tag: t.tag, data: sub.toBuffer() });
    }
    w.taggedFields(present);
  };

  const decode = (r: Reader): Record<string, unknown> => {
    const o: Record<string, unknown> = {};
    for (let i = 0; i < count; i++) o[names[i] as string] = (decoders[i] as Decode)(r);
    for (const [name, make] of absent) o[name] = make();
    if (!flexible) return o;
    for (const t of tagged) o[t.name] = t.makeDefault();
    const n = r.uvarint(taggedWhat);
    for (let i = 0; i < n; i++) {
      const tag = r.uvarint(taggedWhat);
      const size = r.uvarint(taggedWhat);
      const t = byTag.get(tag);
      // Unknown tags are skipped: that is what lets newer peers add tagged fields.
      if (t) o[t.name] = t.codec.decode(r.sub(size, `${path}.${t.name} (tag ${tag})`));
      else r.skip(size, `${path} unknown tag ${tag}`);
    }
    return o;
  };

  return { encode, decode, minSize };
}

const cache = new WeakMap<MessageSchema, Map<number, CompiledStruct>>();

/** Whether `version` of `schema` uses the flexible (KIP-482) encoding. */
export function isFlexibleVersion(schema: MessageSchema, version: number): boolean {
  return schema.flexibleVersions !== null && version >= schema.flexibleVersions;
}

/** The compiled codec of one schema version, built on first use and cached. */
export function compile(schema: MessageSchema, version: number): CompiledStruct {
  let byVersion = cache.get(schema);
  if (!byVersion) {
    byVersion = new Map();
    cache.set(schema, byVersion);
  }
  let compiled = byVersion.get(version);
  if (!compiled) {
    if (!Number.isInteger(version) || !inRange(schema.validVersions, version)) {
      throw new CodecError(`${schema.name} has no version ${version} (valid ${schema.validVersions[0]}-${schema.validVersions[1]})`);
    }
    compiled = compileFields(schema.fields, version, isFlexibleVersion(schema, version), `${schema.name} v${version}`);
    byVersion.set(version, compiled);
  }
  return compiled;
}
