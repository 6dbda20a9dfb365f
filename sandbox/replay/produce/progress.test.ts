import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { Progress } from './progress';

function sink(isTTY: boolean): Writable & { isTTY: boolean; text: string } {
  const out = new Writable({ write(chunk: Buffer, _encoding, done) { out.text += chunk.toString(); done(); } }) as Writable & { isTTY: boolean; text: string };
  out.text = '';
  out.isTTY = isTTY;
  return out;
}

test('on a terminal the line is rewritten in place, at most every interval', () => {
  let now = 0;
  const out = sink(true);
  const progress = new Progress({ out, totalBytes: 1000, now: () => now, intervalMs: 250 });
  now = 1000;
  progress.update(5000, 500, 0);
  now = 1100;
  progress.update(6000, 600, 0);
  now = 2000;
  progress.finish(10_000, 1000, 0);
  assert.equal(out.text, '\r\x1b[2Kreplay: 5,000 records, 5,000 records/s, 50.0%, 1.0 s\r\x1b[2Kreplay: 10,000 records, 5,000 records/s, 100.0%, 2.0 s\n');
});

test('elsewhere plain lines come every few seconds, with the loop when looping', () => {
  let now = 0;
  const out = sink(false);
  const progress = new Progress({ out, totalBytes: 0, now: () => now });
  now = 1000;
  progress.update(100, 10, 2);
  now = 3000;
  progress.update(200, 20, 2);
  now = 7000;
  progress.update(700, 70, 2);
  assert.deepEqual(out.text.split('\n').filter(Boolean), [
    'replay: 100 records, 100 records/s, ?% (loop 3), 1.0 s',
    'replay: 700 records, 100 records/s, ?% (loop 3), 7.0 s',
  ]);
});
