import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { makeTempDir } from '../../test/support/temp-dir';
import { bundlePipeline } from './bundle-pipeline';
import { requirePipelineBundle } from './load-pipeline';
import { parseEventTime } from '../replay';

test('a bundled pipeline gets the replay API it imports, loaded on its first request', async () => {
  const dir = makeTempDir('medallion-load-pipeline-');
  try {
    const file = path.join(dir.path, 'times.pipeline.ts');
    writeFileSync(file, "import { parseEventTime } from 'medallion-studio/replay';\nexport const parse = parseEventTime;\nexport const at = parseEventTime('2026-03-02T17:32:34.078Z');\n");
    const loaded = requirePipelineBundle(await bundlePipeline(file, path.join(dir.path, 'bundle'))) as { parse: unknown; at: number };
    assert.equal(loaded.parse, parseEventTime);
    assert.equal(loaded.at, Date.UTC(2026, 2, 2, 17, 32, 34, 78));
  } finally {
    dir.remove();
  }
});
