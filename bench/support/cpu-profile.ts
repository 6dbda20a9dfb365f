/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`) as the functions with the most self time,
 * so a benchmark that misses its target can say where the broker's time went.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface HotFunction {
  name: string;
  where: string;
  selfMs: number;
  selfPercent: number;
}

export function topSelfTime(file: string, limit = 15, repoRoot = process.cwd()): HotFunction[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (deltas[i] ?? 0));
  }
  // Several nodes share one function (different call paths); sum them by function and place.
  const byFunction = new Map<string, { name: string; where: string; us: number }>();
  let total = 0;
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    total += us;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.startsWith('file://') ? path.relative(repoRoot, new URL(url).pathname) : url;
    const where = file ? `${file}:${lineNumber + 1}` : '(native)';
    const name = functionName || '(anonymous)';
    const key = `${name}@${where}`;
    const entry = byFunction.get(key) ?? { name, where, us: 0 };
    entry.us += us;
    byFunction.set(key, entry);
  }
  return [...byFunction.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, limit)
    .map((f) => ({ name: f.name, where: f.where, selfMs: Math.round(f.us / 1000), selfPercent: total > 0 ? Math.round((f.us / total) * 1000) / 10 : 0 }));
}
