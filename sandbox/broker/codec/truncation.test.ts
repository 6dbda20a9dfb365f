import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CodecError, apiKeyNames, apiSchemas, decodeRequest, decodeRequestHeader, encodeRequest, type ApiKey } from './index';
import { compile } from './interpreter';
import { Reader, Writer } from './primitives';
import { sampleBody } from './sample-body';
import type { MessageSchema } from './schema-types';

const apiKeys = Object.keys(apiSchemas).map(Number) as ApiKey[];

function assertEveryPrefixFails(schema: MessageSchema, version: number): number {
  const compiled = compile(schema, version);
  const w = new Writer();
  compiled.encode(w, sampleBody(schema, version));
  const full = w.toBuffer();
  for (let cut = 0; cut < full.length; cut++) {
    const r = new Reader(full.subarray(0, cut));
    try {
      compiled.decode(r);
    } catch (error) {
      if (error instanceof CodecError) continue;
      throw new Error(`${schema.name} v${version} cut at ${cut}/${full.length} threw ${String(error)}`);
    }
    assert.fail(`${schema.name} v${version} decoded from ${cut} of its ${full.length} bytes`);
  }
  return full.length;
}

test('every strict prefix of every request and response body throws CodecError, and only CodecError', () => {
  let checked = 0;
  for (const key of apiKeys) {
    const { request, response } = apiSchemas[key];
    for (let v = request.validVersions[0]; v <= request.validVersions[1]; v++) {
      checked += assertEveryPrefixFails(request, v);
      checked += assertEveryPrefixFails(response, v);
    }
  }
  assert.ok(checked > 10_000, `only ${checked} prefixes checked`);
});

test('every strict prefix of a request header throws CodecError', () => {
  for (const [key, version] of [[18, 0], [18, 3], [0, 9], [3, 1]] as const) {
    const frame = Buffer.concat(encodeRequest(key, version, 1, 'client', sampleBody(apiSchemas[key].request, version) as never)).subarray(4);
    const { bodyOffset } = decodeRequestHeader(frame);
    for (let cut = 0; cut < bodyOffset; cut++) {
      assert.throws(() => decodeRequestHeader(frame.subarray(0, cut)), CodecError, `${apiKeyNames[key]} v${version} header cut at ${cut}`);
    }
  }
});

test('an unknown API key still yields its key, version and correlation id', () => {
  const frame = Buffer.from('03e70005000000090002' + '6869', 'hex');
  assert.deepEqual(decodeRequestHeader(frame), { apiKey: 999, apiVersion: 5, correlationId: 9, clientId: 'hi', bodyOffset: 12 });
});

test('a frame claiming a 2 GB array or record set fails at once without allocating it', () => {
  const before = process.memoryUsage().arrayBuffers;
  const started = performance.now();
  // Metadata v1: topics array claiming 0x7fffffff elements and nothing after.
  const metadata = Buffer.from('0003000100000001ffff7fffffff', 'hex');
  const header = decodeRequestHeader(metadata);
  assert.throws(() => decodeRequest(3, 1, metadata, header.bodyOffset), /claims 2147483647 elements/);
  // Produce v3: one topic, one partition, records claiming 0x7ffffff0 bytes.
  const produce = Buffer.from('0000000300000001ffff' + 'ffff' + 'ffff' + '000003e8' + '00000001' + '0001' + '74' + '00000001' + '00000000' + '7ffffff0' + '00', 'hex');
  assert.throws(() => decodeRequest(0, 3, produce, decodeRequestHeader(produce).bodyOffset), /claims 2147483632 bytes/);
  // Fetch v12 (flexible): a compact topics count of 2^32 - 2, meaning 2^32 - 3 elements.
  const fetch = Buffer.from('0001000c00000001ffff00' + 'ffffffff' + '000001f4' + '00000001' + '00100000' + '00' + '00000000' + 'ffffffff' + 'feffffff0f', 'hex');
  assert.throws(() => decodeRequest(1, 12, fetch, decodeRequestHeader(fetch).bodyOffset), /claims 4294967293 elements/);
  assert.ok(performance.now() - started < 50, 'refused before doing work proportional to the claim');
  assert.ok(process.memoryUsage().arrayBuffers - before < 1_000_000, 'nothing near the claimed size was allocated');
});

test('trailing bytes after a complete body are ignored, as Kafka does', () => {
  const frame = Buffer.concat([...encodeRequest(12, 0, 1, null, { groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: null }), Buffer.from('junk')]).subarray(4);
  const { bodyOffset } = decodeRequestHeader(frame);
  assert.deepEqual(decodeRequest(12, 0, frame, bodyOffset), { groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: null });
});
