/**
 * Turns a run's side outputs into problems on the user's lines: dead letters carry the location
 * of the frame that threw (grouped by location, with the count and the first error); those without
 * a usable one (a bronze record that is not valid JSON fails in the source, not in user code, and
 * may carry a frame of the runner's own bundle) go on their layer's declaration. Only a frame in the
 * pipeline's folder or below counts as the user's. Quarantined records carry the rule they failed, which is found as
 * `.expect('rule'` in the pipeline file.
 */
import path from 'node:path';
import { maskComments, outlinePipeline } from './pipeline-file';
import { problemAt, type SourceProblem } from './run-output';

export interface SideOutputRecord {
  /** The layer whose side output it is. */
  layer: string;
  kind: 'dead_letter' | 'quarantine';
  /** The record's value, parsed from JSON. */
  value: unknown;
}

export function sideOutputProblems(records: readonly SideOutputRecord[], pipelineFile: string, pipelineText: string): SourceProblem[] {
  const byKey = new Map<string, SourceProblem>();
  const add = (key: string, make: () => SourceProblem | undefined) => {
    const existing = byKey.get(key);
    if (existing) existing.count++;
    else {
      const problem = make();
      if (problem) byKey.set(key, problem);
    }
  };
  const ruleLines = expectationLines(pipelineText);
  const layers = outlinePipeline(pipelineText).layers;
  for (const record of records) {
    const value = typeof record.value === 'object' && record.value !== null ? (record.value as Record<string, unknown>) : {};
    if (record.kind === 'dead_letter') {
      const location = typeof value.location === 'string' ? value.location : typeof value.definedAt === 'string' ? value.definedAt : undefined;
      const error = typeof value.error === 'string' ? value.error : 'the transform threw';
      const operator = typeof value.operator === 'string' ? `${value.operator}: ` : '';
      const event = problemAt(location, `${operator}${error}`, 'transform-error', record.layer);
      if (event?.kind === 'problem' && isUnder(event.problem.file, path.dirname(pipelineFile))) {
        add(`dl:${record.layer}:${location}`, () => event.problem);
        continue;
      }
      const layer = layers.find((l) => l.name === record.layer);
      if (!layer) continue;
      add(`dl:${record.layer}:declaration`, () => ({ kind: 'transform-error', message: `dead letters in ${record.layer}: ${operator}${error}`, layer: record.layer, file: pipelineFile, line: layer.line + 1, column: layer.nameColumn + 1, count: 1 }));
    } else {
      const rule = typeof value.rule === 'string' ? value.rule : undefined;
      const at = rule ? ruleLines.get(rule) : undefined;
      if (!rule || !at) continue;
      const reason = typeof value.reason === 'string' ? ` (${value.reason})` : '';
      add(`q:${record.layer}:${rule}`, () => ({ kind: 'expectation', message: `expectation ${rule} failed; records quarantined${reason}`, layer: record.layer, file: pipelineFile, line: at.line + 1, column: at.column + 1, count: 1 }));
    }
  }
  return [...byKey.values()];
}

function isUnder(file: string, dir: string): boolean {
  const relative = path.relative(dir, path.resolve(dir, file));
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

const EXPECT_CALL = /\.expect\(\s*(['"`])([^'"`\n]+)\1/g;

/** Where each expectation rule is declared: zero-based line and column of its name. */
export function expectationLines(text: string): Map<string, { line: number; column: number }> {
  const lines = new Map<string, { line: number; column: number }>();
  // Only calls inside the pipeline's layers count, so a rule in a comment above them is skipped.
  const first = outlinePipeline(text).layers[0]?.line ?? 0;
  maskComments(text).split('\n').forEach((lineText, line) => {
    if (line < first) return;
    for (const match of lineText.matchAll(EXPECT_CALL)) {
      if (!lines.has(match[2]!)) lines.set(match[2]!, { line, column: (match.index ?? 0) + match[0].indexOf(match[2]!) });
    }
  });
  return lines;
}
