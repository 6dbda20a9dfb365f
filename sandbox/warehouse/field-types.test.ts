import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FieldType } from './field-types';
import { inferType, widenType } from './field-types';

test('inferType names the narrowest type of a JSON value', () => {
  assert.equal(inferType(3), 'integer');
  assert.equal(inferType(3.5), 'number');
  assert.equal(inferType(2 ** 60), 'number');
  assert.equal(inferType('x'), 'string');
  assert.equal(inferType(true), 'boolean');
  assert.equal(inferType({ a: 1 }), 'json');
  assert.equal(inferType([1]), 'json');
  assert.equal(inferType(null), undefined);
});

test('widenType follows integer → number → string, nested or mixed scalars → json, and ignores null', () => {
  assert.equal(widenType('integer', 'number'), 'number');
  assert.equal(widenType('number', 'string'), 'string');
  assert.equal(widenType('integer', 'json'), 'json');
  assert.equal(widenType('json', 'string'), 'string');
  assert.equal(widenType('boolean', 'integer'), 'json');
  assert.equal(widenType(undefined, 'boolean'), 'boolean');
  assert.equal(widenType('integer', undefined), 'integer');
});

test('widenType gives the same type whatever order the values arrive in', () => {
  const types: (FieldType | undefined)[] = ['integer', 'number', 'string', 'boolean', 'json', undefined];
  for (const a of types) {
    for (const b of types) {
      assert.equal(widenType(a, b), widenType(b, a), `${a} ⊔ ${b}`);
      for (const c of types) {
        assert.equal(widenType(widenType(a, b), c), widenType(a, widenType(b, c)), `(${a} ⊔ ${b}) ⊔ ${c}`);
      }
    }
  }
});
