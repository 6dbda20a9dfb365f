import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTopicSpecs } from './topic-specs';

test('parseTopicSpecs accepts schemas, layers and outputs', () => {
  assert.deepEqual(parseTopicSpecs({ 'a.silver': { schema: { id: 'string', at: 'timestamp' }, layer: 'silver' }, raw: {} }), {
    'a.silver': { schema: { id: 'string', at: 'timestamp' }, layer: 'silver' },
    raw: {},
  });
});

test('parseTopicSpecs names the field, the topic and the known types when a type is unknown', () => {
  assert.throws(() => parseTopicSpecs({ t: { schema: { n: 'int' } } }), /field "n" of topic "t" has type "int"; known types: string, number, integer/);
  assert.throws(() => parseTopicSpecs({ t: { schemas: {} } }), /unknown keys: schemas/);
  assert.throws(() => parseTopicSpecs([]), /must be an object/);
});
