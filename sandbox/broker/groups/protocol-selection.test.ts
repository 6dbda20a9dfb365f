import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectProtocol, supportsProtocols } from './protocol-selection';

const member = (...names: string[]) => ({ protocols: names.map((name) => ({ name, metadata: Buffer.alloc(0) })) });

test('the vote picks the protocol most members rank first among the common ones', () => {
  assert.equal(selectProtocol([member('range', 'roundrobin'), member('roundrobin', 'range'), member('roundrobin')]), 'roundrobin');
  assert.equal(selectProtocol([member('sticky', 'range'), member('range', 'sticky'), member('sticky')]), 'sticky');
});

test('a tie goes to the first member\'s preference; no common protocol selects nothing', () => {
  assert.equal(selectProtocol([member('range', 'roundrobin'), member('roundrobin', 'range')]), 'range');
  assert.equal(selectProtocol([member('range'), member('RoundRobinAssigner')]), null);
  assert.equal(selectProtocol([]), null);
});

test('a joining member must share a protocol with every member and speak the group\'s protocol type', () => {
  const joining = member('roundrobin', 'range').protocols;
  assert.equal(supportsProtocols('consumer', [member('range'), member('range', 'sticky')], 'consumer', joining), true);
  assert.equal(supportsProtocols('consumer', [member('range'), member('sticky')], 'consumer', joining), false);
  assert.equal(supportsProtocols('consumer', [member('range')], 'connect', joining), false);
  assert.equal(supportsProtocols('consumer', [], 'connect', joining), true, 'an empty group takes any protocol type');
  assert.equal(supportsProtocols(null, [], '', joining), false);
  assert.equal(supportsProtocols(null, [], 'consumer', []), false);
});
