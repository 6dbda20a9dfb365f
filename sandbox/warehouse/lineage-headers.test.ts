import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLineage, readLineageHeaders } from './lineage-headers';

test('readLineageHeaders reads every medallion header and keeps the others as text', () => {
  const read = readLineageHeaders({
    'medallion.layer': Buffer.from('gold'),
    'medallion.output': Buffer.from('gold'),
    'medallion.lineage': Buffer.from('[{"t":"s","p":1,"o":42}]'),
    'medallion.lineage-truncated': Buffer.from('7'),
    'medallion.id': Buffer.from('eu|w1'),
    'medallion.change': Buffer.from('retract'),
    trace: [Buffer.from('a'), 'b'],
  });
  assert.deepEqual(read, {
    layer: 'gold',
    output: 'gold',
    lineage: [{ t: 's', p: 1, o: 42 }],
    lineageTruncated: 7,
    id: 'eu|w1',
    change: 'retract',
    headers: {
      'medallion.layer': 'gold',
      'medallion.output': 'gold',
      'medallion.lineage-truncated': '7',
      'medallion.id': 'eu|w1',
      'medallion.change': 'retract',
      trace: ['a', 'b'],
    },
  });
});

test('an unreadable lineage header yields no lineage and stays visible in the headers', () => {
  const read = readLineageHeaders({ 'medallion.lineage': Buffer.from('[{"t":"s","p":1}]') });
  assert.equal(read.lineage, null);
  assert.deepEqual(read.headers, { 'medallion.lineage': '[{"t":"s","p":1}]' });
});

test('parseLineage refuses anything but a complete list of positions', () => {
  assert.deepEqual(parseLineage('[]'), []);
  assert.equal(parseLineage('not json'), null);
  assert.equal(parseLineage('{"t":"s","p":0,"o":1}'), null);
  assert.equal(parseLineage('[{"t":"s","p":0,"o":1},{"t":"s","p":0.5,"o":2}]'), null);
  assert.equal(parseLineage('[{"t":"s","p":0,"o":"1"}]'), null);
});

test('a bronze record has no medallion headers and no headers at all when none were sent', () => {
  assert.deepEqual(readLineageHeaders({}), { layer: null, output: null, lineage: null, lineageTruncated: null, id: null, change: null, headers: null });
});
