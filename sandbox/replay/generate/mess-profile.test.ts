import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultMessProfile, loadMessProfile, MessProfileError, validateMessProfile } from './mess-profile';

const valid = (): Record<string, unknown> => structuredClone(defaultMessProfile()) as unknown as Record<string, unknown>;

function problemsOf(value: unknown): string[] {
  try {
    validateMessProfile(value);
  } catch (error) {
    assert.ok(error instanceof MessProfileError);
    return error.problems;
  }
  return [];
}

test('the committed profile is valid', () => {
  assert.equal(defaultMessProfile().partitions, 4);
});

test('a bad rate, a missing section, an unknown field and a bad enum are each named by path', () => {
  const profile = valid();
  (profile.duplicates as Record<string, unknown>).rate = 1.5;
  delete profile.poison;
  profile.surprise = true;
  (profile.idlePartition as Record<string, unknown>).stream = 'invoices';
  const problems = problemsOf(profile);
  assert.deepEqual(problems.sort(), [
    '$.duplicates.rate must be at most 1, not 1.5',
    '$.idlePartition.stream must be one of "customers", "orders", "payments", "shipments", "refunds", "page_views", not "invoices"',
    '$.poison is required',
    '$.surprise is not a known field',
  ]);
});

test('rules beyond the schema: late beyond the bound, an idle partition that exists', () => {
  const profile = valid();
  (profile.late as Record<string, unknown>).minDelayMs = 1000;
  (profile.idlePartition as Record<string, unknown>).partition = 9;
  const problems = problemsOf(profile);
  assert.equal(problems.length, 2);
  assert.match(problems[0]!, /\$\.late\.minDelayMs \(1000\) must exceed \$\.outOfOrder\.maxDelayMs \(5000\)/);
  assert.match(problems[1]!, /\$\.idlePartition\.partition \(9\) must be below \$\.partitions \(4\)/);
});

test('loadMessProfile names the file when the JSON does not parse', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'mess-profile-'));
  const file = path.join(dir, 'broken.json');
  await writeFile(file, '{ "partitions": 4,');
  await assert.rejects(loadMessProfile(file), (error: Error) => error.message.includes(file) && error.message.includes('not valid JSON'));
});
