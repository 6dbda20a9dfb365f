import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeRequest, decodeRequestHeader, decodeResponse, encodeRequest, encodeResponse } from './index';

/** Hex with spaces between the fields, so each golden frame reads as its hand-checked layout. */
function hex(spaced: string): string {
  return spaced.replace(/\s+/g, '');
}

function frameHex(chunks: Buffer[]): string {
  return Buffer.concat(chunks).toString('hex');
}

test('ApiVersions v0 request: header v1 and an empty body', () => {
  const expected = hex('0000000c  0012 0000 00000001  0002 6162');
  assert.equal(frameHex(encodeRequest(18, 0, 1, 'ab', { clientSoftwareName: '', clientSoftwareVersion: '' })), expected);
  const frame = Buffer.from(expected, 'hex').subarray(4);
  assert.deepEqual(decodeRequestHeader(frame), { apiKey: 18, apiVersion: 0, correlationId: 1, clientId: 'ab', bodyOffset: 12 });
});

test('ApiVersions v3 request: header v2 keeps a classic client id, then tagged fields and compact strings', () => {
  const expected = hex('00000013  0012 0003 00000007  0003 636c69  00  02 78  02 31  00');
  assert.equal(frameHex(encodeRequest(18, 3, 7, 'cli', { clientSoftwareName: 'x', clientSoftwareVersion: '1' })), expected);
  const frame = Buffer.from(expected, 'hex').subarray(4);
  const header = decodeRequestHeader(frame);
  assert.equal(header.bodyOffset, 14);
  assert.deepEqual(decodeRequest(18, 3, frame, header.bodyOffset), { clientSoftwareName: 'x', clientSoftwareVersion: '1' });
});

test('ApiVersions v0 response', () => {
  const expected = hex('00000010  00000001  0000  00000001 0012 0000 0003');
  assert.equal(frameHex(encodeResponse(18, 0, 1, { errorCode: 0, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 3 }] })), expected);
});

test('ApiVersions v3 response: the header has no tagged fields even though the body is flexible', () => {
  const expected = hex('00000013  00000007  0000  02 0000 0003 0007 00  00000000  00');
  const body = { errorCode: 0, apiKeys: [{ apiKey: 0, minVersion: 3, maxVersion: 7 }], throttleTimeMs: 0 };
  assert.equal(frameHex(encodeResponse(18, 3, 7, body)), expected);
  const decoded = decodeResponse(18, 3, Buffer.from(expected, 'hex').subarray(4));
  assert.equal(decoded.correlationId, 7);
  assert.deepEqual(decoded.body.apiKeys, body.apiKeys);
});

test('ApiVersions v3 response with a tagged field: count, tag, size, value', () => {
  const expected = hex('00000016  00000007  0000  01  00000000  01 01 08 0000000000000005');
  assert.equal(frameHex(encodeResponse(18, 3, 7, { errorCode: 0, apiKeys: [], throttleTimeMs: 0, finalizedFeaturesEpoch: 5 })), expected);
  assert.equal(decodeResponse(18, 3, Buffer.from(expected, 'hex').subarray(4)).body.finalizedFeaturesEpoch, 5);
});

test('Heartbeat v4 response: flexible, so the response header has a tagged-field section', () => {
  assert.equal(frameHex(encodeResponse(12, 4, 5, { throttleTimeMs: 0, errorCode: 27 })), hex('0000000c  00000005 00  00000000 001b 00'));
});

test('Metadata v1 request with null topics (all topics)', () => {
  const expected = hex('0000000e  0003 0001 00000002 ffff  ffffffff');
  const body = { topics: null, allowAutoTopicCreation: true, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false };
  assert.equal(frameHex(encodeRequest(3, 1, 2, null, body)), expected);
  const frame = Buffer.from(expected, 'hex').subarray(4);
  // allowAutoTopicCreation is absent before v4, so its default (true) is filled in.
  assert.deepEqual(decodeRequest(3, 1, frame, decodeRequestHeader(frame).bodyOffset), body);
});

test('Produce v3 request with a null transactional id and one partition', () => {
  const expected = hex(`00000028  0000 0003 00000001 ffff
    ffff  ffff  000003e8  00000001 0001 74  00000001 00000000 00000003 616263`);
  const body = { transactionalId: null, acks: -1, timeoutMs: 1000, topicData: [{ name: 't', partitionData: [{ index: 0, records: Buffer.from('abc') }] }] };
  assert.equal(frameHex(encodeRequest(0, 3, 1, null, body)), expected);
  const frame = Buffer.from(expected, 'hex').subarray(4);
  assert.deepEqual(decodeRequest(0, 3, frame, decodeRequestHeader(frame).bodyOffset), body);
});
