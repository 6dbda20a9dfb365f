/**
 * Generates sandbox/broker/codec/generated/ from Kafka's JSON message specs: for each API served, the
 * request and response schemas as data (read by the codec's interpreter) and their TypeScript
 * interfaces. Run `npx tsx scripts/generate-codec.ts [specDir]`; the output is committed, and a test
 * re-runs `generateCodecFiles` in memory to check it is up to date.
 *
 * The specs default to `../shared/data/kafka-message-specs` beside the repository root, where CI
 * and every checkout keep them (the project does not commit copies).
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The APIs the broker may serve, by key; each has a `${name}Request.json` and `${name}Response.json`. */
export const GENERATED_APIS: readonly (readonly [number, string])[] = [
  [0, 'Produce'], [1, 'Fetch'], [2, 'ListOffsets'], [3, 'Metadata'], [8, 'OffsetCommit'], [9, 'OffsetFetch'],
  [10, 'FindCoordinator'], [11, 'JoinGroup'], [12, 'Heartbeat'], [13, 'LeaveGroup'], [14, 'SyncGroup'],
  [15, 'DescribeGroups'], [16, 'ListGroups'], [17, 'SaslHandshake'], [18, 'ApiVersions'], [19, 'CreateTopics'],
  [20, 'DeleteTopics'], [21, 'DeleteRecords'], [22, 'InitProducerId'], [23, 'OffsetForLeaderEpoch'],
  [24, 'AddPartitionsToTxn'], [25, 'AddOffsetsToTxn'], [26, 'EndTxn'], [27, 'WriteTxnMarkers'],
  [28, 'TxnOffsetCommit'], [32, 'DescribeConfigs'], [33, 'AlterConfigs'], [36, 'SaslAuthenticate'],
  [37, 'CreatePartitions'], [42, 'DeleteGroups'], [44, 'IncrementalAlterConfigs'], [47, 'OffsetDelete'],
  [60, 'DescribeCluster'], [61, 'DescribeProducers'], [65, 'DescribeTransactions'], [66, 'ListTransactions'],
];

/** Specs that are not request/response pairs: the headers and the consumer protocol's embedded structs. */
export const GENERATED_STANDALONE: readonly string[] = [
  'RequestHeader', 'ResponseHeader', 'ConsumerProtocolSubscription', 'ConsumerProtocolAssignment',
];

const MAX_VERSION = 0x7fff;
const PRIMITIVES = new Set(['int8', 'int16', 'int32', 'int64', 'uint16', 'uint32', 'float64', 'bool', 'string', 'bytes', 'records', 'uuid']);

type Range = [number, number];

interface SpecField {
  name: string;
  type: string;
  versions: string;
  nullableVersions?: string;
  taggedVersions?: string;
  tag?: number;
  default?: string | number | boolean;
  flexibleVersions?: string;
  about?: string;
  fields?: SpecField[];
}

interface SpecMessage {
  apiKey?: number;
  type: 'request' | 'response' | 'header' | 'data';
  name: string;
  validVersions: string;
  flexibleVersions: string;
  fields: SpecField[];
  commonStructs?: { name: string; versions: string; fields: SpecField[] }[];
}

/** A field resolved against the spec: struct references replaced by their fields. */
interface Field {
  name: string;
  type: string;
  elementType: string | null;
  versions: Range;
  nullableVersions: Range | null;
  taggedVersions: Range | null;
  tag: number | null;
  default: number | boolean | string | null | undefined;
  flexibleVersions: Range | null | undefined;
  about: string;
  structName: string | null;
  fields: Field[] | null;
}

/**
 * Removes `//` comments outside string literals, so a URL inside an "about" text survives.
 */
export function stripJsonComments(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else {
      out += c;
    }
  }
  return out;
}

function parseRange(spec: string | undefined, what: string): Range | null {
  if (spec === undefined || spec === 'none') return null;
  const open = /^(\d+)\+$/.exec(spec);
  if (open) return [Number(open[1]), MAX_VERSION];
  const closed = /^(\d+)(?:-(\d+))?$/.exec(spec);
  if (closed) return [Number(closed[1]), Number(closed[2] ?? closed[1])];
  throw new Error(`${what}: cannot parse version range "${spec}"`);
}

function intersect(a: Range, b: Range): Range | null {
  const lo = Math.max(a[0], b[0]);
  const hi = Math.min(a[1], b[1]);
  return lo <= hi ? [lo, hi] : null;
}

function camel(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function kebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/** `Topic` in `ProduceRequest` → `ProduceRequestTopic`; a struct already named after its API keeps its suffix only. */
function interfaceName(messageName: string, structName: string): string {
  if (structName.startsWith(messageName)) return structName;
  const base = messageName.replace(/(Request|Response)$/, '');
  if (base !== messageName && structName.startsWith(base) && structName.length > base.length) {
    return messageName + structName.slice(base.length);
  }
  return messageName + structName;
}

function parseDefault(field: SpecField, type: string, nullable: boolean, what: string): Field['default'] {
  const raw = field.default;
  if (raw === undefined) return undefined;
  const text = String(raw);
  switch (type) {
    case 'int8': case 'int16': case 'int32': case 'int64': case 'uint16': case 'uint32': {
      const value = /^-?0x/i.test(text) ? Number.parseInt(text, 16) : Number(text);
      if (!Number.isInteger(value)) throw new Error(`${what}: bad integer default "${text}"`);
      return value;
    }
    case 'float64':
      return Number(text);
    case 'bool':
      if (/^true$/i.test(text)) return true;
      if (/^false$/i.test(text)) return false;
      throw new Error(`${what}: bad bool default "${text}"`);
    case 'string':
      return text === 'null' && nullable ? null : text;
    case 'bytes': case 'records':
      if (text === 'null') return null;
      throw new Error(`${what}: only null can be the default of ${type}`);
    default:
      throw new Error(`${what}: defaults are not supported for ${type}`);
  }
}

class Resolver {
  readonly structs = new Map<string, Field[]>();
  private readonly common: Map<string, SpecField[]>;

  constructor(private readonly spec: SpecMessage) {
    this.common = new Map((spec.commonStructs ?? []).map((s) => [s.name, s.fields]));
  }

  fields(specFields: SpecField[], path: string): Field[] {
    return specFields.map((f) => this.field(f, `${path}.${f.name}`));
  }

  private field(f: SpecField, what: string): Field {
    const isArray = f.type.startsWith('[]');
    const inner = isArray ? f.type.slice(2) : f.type;
    const primitive = PRIMITIVES.has(inner);
    const versions = parseRange(f.versions, what);
    if (!versions) throw new Error(`${what}: a field must have versions`);
    const nullableVersions = parseRange(f.nullableVersions, what);
    let structName: string | null = null;
    let fields: Field[] | null = null;
    if (!primitive) {
      const specFields = f.fields ?? this.common.get(inner);
      if (!specFields) throw new Error(`${what}: unknown struct type ${inner}`);
      structName = interfaceName(this.spec.name, inner);
      fields = this.fields(specFields, what);
      const seen = this.structs.get(structName);
      if (seen && JSON.stringify(seen) !== JSON.stringify(fields)) throw new Error(`${what}: struct ${structName} defined twice differently`);
      this.structs.set(structName, fields);
    }
    return {
      name: camel(f.name),
      type: isArray ? 'array' : primitive ? inner : 'struct',
      elementType: isArray ? (primitive ? inner : 'struct') : null,
      versions,
      nullableVersions,
      taggedVersions: parseRange(f.taggedVersions, what),
      tag: f.tag ?? null,
      default: primitive && !isArray ? parseDefault(f, inner, nullableVersions !== null, what) : undefined,
      flexibleVersions: 'flexibleVersions' in f ? parseRange(f.flexibleVersions, what) : undefined,
      about: (f.about ?? '').replace(/\s+/g, ' ').trim(),
      structName,
      fields,
    };
  }
}

interface Parsed {
  spec: SpecMessage;
  validVersions: Range;
  flexibleFrom: number | null;
  fields: Field[];
}

function parseSpec(specDir: string, name: string): Parsed {
  const spec = JSON.parse(stripJsonComments(readFileSync(path.join(specDir, `${name}.json`), 'utf8'))) as SpecMessage;
  if (spec.name !== name) throw new Error(`${name}.json describes ${spec.name}`);
  const validVersions = parseRange(spec.validVersions, name);
  if (!validVersions) throw new Error(`${name}: no valid versions`);
  const flexible = parseRange(spec.flexibleVersions, name);
  const fields = new Resolver(spec).fields(spec.fields, name);
  return { spec, validVersions, flexibleFrom: flexible ? flexible[0] : null, fields };
}

function rangeLiteral(r: Range | null): string {
  return r ? `[${r[0]}, ${r[1]}]` : 'null';
}

function rangeText(r: Range): string {
  if (r[1] === MAX_VERSION) return `${r[0]}+`;
  return r[0] === r[1] ? `${r[0]}` : `${r[0]}-${r[1]}`;
}

function valueLiteral(v: number | boolean | string | null): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

function emitFields(fields: Field[], indent: string): string[] {
  const lines: string[] = [];
  for (const f of fields) {
    const parts = [
      `name: '${f.name}'`,
      `type: '${f.type}'`,
      ...(f.elementType ? [`elementType: '${f.elementType}'`] : []),
      `versions: ${rangeLiteral(f.versions)}`,
      `nullableVersions: ${rangeLiteral(f.nullableVersions)}`,
      `taggedVersions: ${rangeLiteral(f.taggedVersions)}`,
      `tag: ${f.tag}`,
      ...(f.default !== undefined ? [`default: ${valueLiteral(f.default)}`] : []),
      ...(f.flexibleVersions !== undefined ? [`flexibleVersions: ${rangeLiteral(f.flexibleVersions)}`] : []),
      ...(f.structName ? [`structName: '${f.structName}'`] : []),
    ];
    if (f.fields) {
      lines.push(`${indent}{ ${parts.join(', ')}, fields: [`);
      lines.push(...emitFields(f.fields, indent + '  '));
      lines.push(`${indent}] },`);
    } else {
      lines.push(`${indent}{ ${parts.join(', ')} },`);
    }
  }
  return lines;
}

function tsType(f: Field, kind: SpecMessage['type']): string {
  const scalar = (t: string): string => {
    switch (t) {
      case 'bool': return 'boolean';
      case 'string': case 'uuid': return 'string';
      case 'bytes': return 'Buffer';
      // Decoded records are a view of the frame; handlers may answer with a list of chunks.
      case 'records': return kind === 'response' ? 'Buffer | Buffer[] | null' : 'Buffer | null';
      default: return 'number';
    }
  };
  let t: string;
  if (f.type === 'array') t = `${f.elementType === 'struct' ? f.structName : scalar(f.elementType ?? '')}[]`;
  else if (f.type === 'struct') t = f.structName ?? '';
  else t = scalar(f.type);
  if (f.nullableVersions && f.type !== 'records') t += ' | null';
  return t;
}

function docComment(f: Field, indent: string): string {
  const notes = [`versions ${rangeText(f.versions)}`];
  if (f.nullableVersions) notes.push(`nullable ${rangeText(f.nullableVersions)}`);
  if (f.tag !== null && f.taggedVersions) notes.push(`tag ${f.tag} in ${rangeText(f.taggedVersions)}`);
  if (f.default !== undefined) notes.push(`default ${valueLiteral(f.default)}`);
  const about = f.about ? `${f.about.replace(/\*\//g, '* /')} ` : '';
  return `${indent}/** ${about}(${notes.join('; ')}) */`;
}

/**
 * Emits the interfaces of one message. Requests (and headers) have every field required because
 * the decoder fills in defaults; responses and data structs make a field optional when it is tagged
 * or missing from some version its parent exists in, so a handler writes only what it means.
 */
function emitInterfaces(parsed: Parsed): string[] {
  const { spec } = parsed;
  const kind = spec.type;
  const out: string[] = [];
  const emitted = new Set<string>();
  const visit = (name: string, about: string, fields: Field[], parentRange: Range): void => {
    if (emitted.has(name)) return;
    emitted.add(name);
    const lines = [about ? `/** ${about} */` : '', `export interface ${name} {`].filter(Boolean);
    const nested: [string, Field[], Range][] = [];
    for (const f of fields) {
      const optional = (kind === 'response' || kind === 'data')
        && (f.tag !== null || f.versions[0] > parentRange[0] || f.versions[1] < parentRange[1]);
      lines.push(docComment(f, '  '));
      lines.push(`  ${f.name}${optional ? '?' : ''}: ${tsType(f, kind)};`);
      if (f.fields && f.structName) nested.push([f.structName, f.fields, intersect(parentRange, f.versions) ?? f.versions]);
    }
    lines.push('}');
    out.push(lines.join('\n'));
    for (const [n, fs, r] of nested) visit(n, '', fs, r);
  };
  const flex = parsed.flexibleFrom === null ? 'never flexible' : `flexible from v${parsed.flexibleFrom}`;
  const key = spec.apiKey === undefined ? '' : ` (api key ${spec.apiKey})`;
  visit(spec.name, `${spec.name}${key}, versions ${rangeText(parsed.validVersions)}, ${flex}.`, parsed.fields, parsed.validVersions);
  return out;
}

function schemaConstName(messageName: string): string {
  return `${camel(messageName)}Schema`;
}

function emitMessage(parsed: Parsed): string {
  const { spec } = parsed;
  const lines = [
    `export const ${schemaConstName(spec.name)}: MessageSchema = {`,
    `  apiKey: ${spec.apiKey ?? null},`,
    `  name: '${spec.name}',`,
    `  kind: '${spec.type}',`,
    `  validVersions: ${rangeLiteral(parsed.validVersions)},`,
    `  flexibleVersions: ${parsed.flexibleFrom},`,
    '  fields: [',
    ...emitFields(parsed.fields, '    '),
    '  ],',
    '};',
  ];
  return [...emitInterfaces(parsed), lines.join('\n')].join('\n\n');
}

function banner(sources: string[]): string {
  return `// Generated by scripts/generate-codec.ts from Kafka 3.9's ${sources.join(' and ')}; do not edit, run \`npx tsx scripts/generate-codec.ts\`.\n`
    + "import type { MessageSchema } from '../schema-types';\n";
}

function apiFileName(key: number, name: string): string {
  return `${String(key).padStart(2, '0')}-${kebab(name)}`;
}

/** Returns every generated file, keyed by its path relative to sandbox/broker/codec/generated. */
export function generateCodecFiles(specDir: string): Map<string, string> {
  const files = new Map<string, string>();
  const index: string[] = [];
  const messages: string[] = [];
  const schemaEntries: string[] = [];
  const names: string[] = [];
  for (const [key, name] of GENERATED_APIS) {
    const request = parseSpec(specDir, `${name}Request`);
    const response = parseSpec(specDir, `${name}Response`);
    for (const p of [request, response]) {
      if (p.spec.apiKey !== key) throw new Error(`${p.spec.name} has api key ${p.spec.apiKey}, expected ${key}`);
    }
    const file = apiFileName(key, name);
    files.set(`${file}.ts`, `${banner([`${name}Request.json`, `${name}Response.json`])}\n${emitMessage(request)}\n\n${emitMessage(response)}\n`);
    const req = schemaConstName(request.spec.name);
    const res = schemaConstName(response.spec.name);
    index.push(`import { ${req}, ${res}, type ${request.spec.name}, type ${response.spec.name} } from './${file}';`);
    messages.push(`  ${key}: { request: ${request.spec.name}; response: ${response.spec.name} };`);
    schemaEntries.push(`  ${key}: { request: ${req}, response: ${res} },`);
    names.push(`  ${key}: '${name}',`);
  }
  const standaloneExports: string[] = [];
  for (const name of GENERATED_STANDALONE) {
    const parsed = parseSpec(specDir, name);
    files.set(`${kebab(name)}.ts`, `${banner([`${name}.json`])}\n${emitMessage(parsed)}\n`);
    standaloneExports.push(`export { ${schemaConstName(name)} } from './${kebab(name)}';`);
  }
  const typeExports = [
    ...GENERATED_APIS.map(([key, name]) => `export type * from './${apiFileName(key, name)}';`),
    ...GENERATED_STANDALONE.map((name) => `export type * from './${kebab(name)}';`),
  ];
  files.set('index.ts', [
    `// Generated by scripts/generate-codec.ts from Kafka 3.9's message specs; do not edit, run \`npx tsx scripts/generate-codec.ts\`.`,
    "import type { MessageSchema } from '../schema-types';",
    ...index,
    '',
    ...typeExports,
    ...standaloneExports,
    '',
    '/** The request and response types of every API the codec knows, by API key. */',
    'export interface ApiMessages {',
    ...messages,
    '}',
    '',
    'export type ApiKey = keyof ApiMessages;',
    '',
    '/** Kafka\'s name of each API, by key. */',
    'export const apiKeyNames = {',
    ...names,
    '} as const satisfies Record<ApiKey, string>;',
    '',
    '/** The request and response schemas of each API, by key. */',
    'export const apiSchemas: { readonly [K in ApiKey]: { readonly request: MessageSchema; readonly response: MessageSchema } } = {',
    ...schemaEntries,
    '};',
    '',
  ].join('\n'));
  return files;
}

export function defaultSpecDir(): string {
  const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  return path.resolve(repoRoot, '..', 'shared', 'data', 'kafka-message-specs');
}

export function generatedDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'sandbox', 'broker', 'codec', 'generated');
}

function main(): void {
  const specDir = process.argv[2] ?? defaultSpecDir();
  const files = generateCodecFiles(specDir);
  const outDir = generatedDir();
  mkdirSync(outDir, { recursive: true });
  // Files from APIs no longer generated would otherwise linger and still compile.
  for (const name of readdirSync(outDir)) {
    if (!files.has(name)) rmSync(path.join(outDir, name));
  }
  for (const [name, content] of files) writeFileSync(path.join(outDir, name), content);
  console.log(`wrote ${files.size} files to ${path.relative(process.cwd(), outDir)}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
