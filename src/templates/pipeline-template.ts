/**
 * Pipeline templates for "New Pipeline from Template". Each produces a complete, compiling pipeline
 * file that imports `medallion-studio/pipeline`, so a user starts from working code.
 */

export interface PipelineTemplate {
  id: string;
  label: string;
  detail: string;
  render(name: string, source: string): string;
}

/** A pipeline name becomes part of file and topic names, so it is kept to letters, digits, _ and -. */
export function validPipelineName(name: string): string | undefined {
  if (!/^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(name)) return 'Start with a letter; use letters, digits, _ and - (at most 64)';
  return undefined;
}

export const PIPELINE_TEMPLATES: readonly PipelineTemplate[] = [
  {
    id: 'medallion',
    label: 'Bronze → silver → gold',
    detail: 'Read a JSON topic, validate and deduplicate it, count per key per minute',
    render: (name, source) => `// The ${name} pipeline: bronze keeps ${source} as it arrived, silver validates and
// deduplicates it, gold counts records per key per minute.
import { count, json, pipeline, tumbling } from 'medallion-studio/pipeline';

interface Raw${pascal(source)} {
  id: string;
  ts: string | number;
}

export default pipeline('${name}', (p) => {
  const raw = p.bronze('${source}', { value: json<Raw${pascal(source)}>(), key: (r) => r.id, eventTime: (r) => Date.parse(String(r.ts)), outOfOrderness: '5s' });

  const clean = p.silver(
    '${source}_clean',
    raw
      .expect('has_id', (r) => typeof r.id === 'string' && r.id.length > 0, 'quarantine')
      .dedupe({ key: (r) => r.id, within: '1h' }),
  );

  p.gold('${source}_per_minute', clean.keyBy((r) => r.id).window(tumbling('1m')).aggregate({ records: count() }));
});
`,
  },
  {
    id: 'passthrough',
    label: 'Bronze → silver',
    detail: 'The smallest pipeline: read a topic and write it normalized',
    render: (name, source) => `// The ${name} pipeline: reads ${source} and writes it to silver unchanged, a starting point.
import { json, pipeline } from 'medallion-studio/pipeline';

export default pipeline('${name}', (p) => {
  const raw = p.bronze('${source}', { value: json<Record<string, unknown>>(), eventTime: 'timestamp' });
  p.silver('${source}_silver', raw.map((r) => ({ ...r })));
});
`,
  },
];

function pascal(text: string): string {
  return text.replace(/(^|[^A-Za-z0-9])([A-Za-z0-9])/g, (_m, _sep: string, c: string) => c.toUpperCase());
}
