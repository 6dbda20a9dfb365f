/**
 * Finds a pipeline file's layers by reading its text, without running it: CodeLens, hovers, the
 * Pipelines view and rerun-on-save need the layers of files that may not even compile yet, and the
 * extension host must never load user code. The runner remains the authority on what a pipeline
 * does; this only locates `p.bronze('name'`, `p.silver('name'` and `p.gold('name'` calls.
 */

export type Tier = 'bronze' | 'silver' | 'gold';

export interface LayerLocation {
  name: string;
  tier: Tier;
  /** The topic the layer reads (bronze) or writes: its `topic` option, else its name. */
  topic: string;
  /** Zero-based line of the call. */
  line: number;
  /** Zero-based column of the layer's name string. */
  nameColumn: number;
  /** Zero-based last line before the next layer's call, or the file's last line. */
  endLine: number;
}

export interface PipelineOutline {
  /** The name given to pipeline('name', ...), if the file has one. */
  name: string | undefined;
  layers: LayerLocation[];
}

const PIPELINE_CALL = /\bpipeline\(\s*(['"`])([^'"`\n]+)\1/;
const LAYER_CALL = /\b[A-Za-z_$][\w$]*\.(bronze|silver|gold)\(\s*(['"`])([^'"`\n]+)\2/g;
const TOPIC_OPTION = /\btopic\s*:\s*(['"`])([^'"`\n]+)\1/;

export function outlinePipeline(source: string): PipelineOutline {
  const text = maskComments(source);
  const lineStarts = lineStartOffsets(text);
  const layers: LayerLocation[] = [];
  const calls = [...text.matchAll(LAYER_CALL)];
  calls.forEach((match, i) => {
    const start = match.index ?? 0;
    const nameOffset = start + match[0].length - match[3]!.length - 1;
    const next = calls[i + 1]?.index ?? text.length;
    const line = lineAt(lineStarts, start);
    const nextLine = lineAt(lineStarts, next);
    // The topic option, when given, sits in the call's own text, before the next layer begins.
    const topic = TOPIC_OPTION.exec(text.slice(start, next))?.[2] ?? match[3]!;
    layers.push({
      name: match[3]!,
      tier: match[1] as Tier,
      topic,
      line,
      nameColumn: nameOffset - lineStarts[lineAt(lineStarts, nameOffset)]!,
      endLine: calls[i + 1] ? Math.max(line, nextLine - 1) : lineStarts.length - 1,
    });
  });
  return { name: PIPELINE_CALL.exec(text)?.[2], layers };
}

/** The layer a zero-based line belongs to: the last layer whose call starts at or before it. */
export function layerAtLine(outline: PipelineOutline, line: number): LayerLocation | undefined {
  let found: LayerLocation | undefined;
  for (const layer of outline.layers) if (layer.line <= line) found = layer;
  return found && line <= found.endLine ? found : undefined;
}

/**
 * The earliest layer whose text differs between two versions of a pipeline file: re-running from
 * it covers every change, since its downstream is re-run too. Undefined when nothing in a layer
 * changed; `'*'` when something outside every layer changed (imports, helpers), which can affect
 * any layer.
 */
export function firstChangedLayer(before: string, after: string): string | undefined {
  if (before === after) return undefined;
  const a = before.split('\n');
  const b = after.split('\n');
  let top = 0;
  while (top < a.length && top < b.length && a[top] === b[top]) top++;
  const outline = outlinePipeline(after);
  const layer = layerAtLine(outline, top);
  if (layer) return layer.name;
  return '*';
}

/**
 * Blanks out comments (keeping newlines and offsets) so a commented-out layer is not found. Calls
 * inside string literals are not recognized as such: a pipeline file rarely spells one.
 */
export function maskComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (comment) => comment.replace(/[^\n]/g, ' '));
}

function lineStartOffsets(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function lineAt(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
