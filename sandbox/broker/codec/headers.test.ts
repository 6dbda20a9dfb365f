import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CodecError, isFlexible, isKnownApiKey, requestHeaderVersion, responseHeaderVersion, schemaFor, versionRange } from './index';

test('flexibility follows each API\'s first flexible version, and stays on above the highest known', () => {
  assert.equal(isFlexible(18, 2), false);
  assert.equal(isFlexible(18, 3), true);
  assert.equal(isFlexible(18, 9), true);
  assert.equal(isFlexible(0, 8), false);
  assert.equal(isFlexible(0, 9), true);
  assert.equal(isFlexible(17, 1), false, 'SaslHandshake is never flexible');
  assert.equal(isFlexible(999, 5), false, 'unknown keys are read as header v1');
});

test('header versions: request v1/v2, response v0/v1, and ApiVersions responses always v0', () => {
  assert.equal(requestHeaderVersion(3, 8), 1);
  assert.equal(requestHeaderVersion(3, 9), 2);
  assert.equal(responseHeaderVersion(3, 8), 0);
  assert.equal(responseHeaderVersion(3, 9), 1);
  assert.equal(requestHeaderVersion(18, 3), 2);
  assert.equal(responseHeaderVersion(18, 3), 0);
  assert.equal(responseHeaderVersion(18, 4), 0);
});

test('schemas and version ranges by key', () => {
  assert.equal(isKnownApiKey(1), true);
  assert.equal(isKnownApiKey(4), false);
  assert.deepEqual(versionRange(1), [0, 17]);
  assert.equal(schemaFor(3).response.name, 'MetadataResponse');
  assert.throws(() => schemaFor(4 as never), CodecError);
});
