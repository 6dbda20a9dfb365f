/**
 * Reads node:test's TAP output (`--test-reporter=tap`) into one result per test, with the path of
 * enclosing suites, the duration and, for failures, the error message and its location. Nesting is
 * four spaces per level, as node prints it.
 */

export interface TapResult {
  path: string[];
  ok: boolean;
  skipped: boolean;
  durationMs: number | undefined;
  message: string | undefined;
  location: { file: string; line: number; column: number } | undefined;
}

const RESULT = /^(\s*)(not )?ok \d+ - (.*?)(?:\s+#\s*(SKIP|TODO)\b.*)?$/;
const SUBTEST = /^(\s*)# Subtest: (.*)$/;

export function parseTap(output: string): TapResult[] {
  const lines = output.split('\n');
  const results: TapResult[] = [];
  const open: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const subtest = SUBTEST.exec(line);
    if (subtest) {
      const depth = subtest[1]!.length / 4;
      open.length = depth;
      open[depth] = unescape(subtest[2]!);
      continue;
    }
    const match = RESULT.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    const name = unescape(match[3]!);
    const path = [...open.slice(0, depth), name];
    const yaml: string[] = [];
    if (lines[i + 1]?.trim() === '---') {
      for (i += 2; i < lines.length && lines[i]!.trim() !== '...'; i++) yaml.push(lines[i]!);
    }
    const field = (key: string) => {
      const at = yaml.findIndex((l) => l.trimStart().startsWith(`${key}:`));
      if (at === -1) return undefined;
      const value = yaml[at]!.trimStart().slice(key.length + 1).trim();
      if (value === '|-' || value === '|' || value === '>-') {
        const indent = yaml[at]!.length - yaml[at]!.trimStart().length;
        const block: string[] = [];
        for (let j = at + 1; j < yaml.length && yaml[j]!.length - yaml[j]!.trimStart().length > indent; j++) block.push(yaml[j]!.trim());
        return block.join('\n');
      }
      return value.replace(/^'(.*)'$/, '$1').replace(/''/g, "'");
    };
    const duration = Number(field('duration_ms'));
    const where = /^(.*):(\d+):(\d+)$/.exec(field('location') ?? '');
    results.push({
      path,
      ok: !match[2],
      skipped: match[4] !== undefined,
      durationMs: Number.isFinite(duration) ? duration : undefined,
      message: match[2] ? field('error') ?? 'failed' : undefined,
      location: where ? { file: where[1]!, line: Number(where[2]), column: Number(where[3]) } : undefined,
    });
    open.length = depth;
  }
  return results;
}

function unescape(name: string): string {
  return name.replace(/\\#/g, '#').replace(/\\\\/g, '\\');
}
