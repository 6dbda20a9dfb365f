import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  apiKeyNames, apiSchemas, decodeConsumerProtocolAssignment, decodeConsumerProtocolSubscription, decodeRequest,
  decodeRequestHeader, decodeResponse, encodeConsumerProtocolAssignment, encodeConsumerProtocolSubscription,
  encodeRequest, encodeResponse, type ApiKey,
} from './index';
import { sampleBody, type SampleVariant } from './sample-body';

const apiKeys = Object.keys(apiSchemas).map(Number) as ApiKey[];
const variants: SampleVariant[] = ['full', 'sparse'];

function versions(apiKey: ApiKey): number[] {
  const [min, max] = apiSchemas[apiKey].request.validVersions;
  return Array.from({ length: max - min + 1 }, (_, i) => min + i);
}

test('the codec knows the 36 APIs of the brief', () => {
  assert.equal(apiKeys.length, 36);
  assert.equal(apiKeyNames[18], 'ApiVersions');
  for (const key of apiKeys) {
    assert.deepEqual(apiSchemas[key].request.validVersions, apiSchemas[key].response.validVersions, `key ${key}`);
    assert.equal(apiSchemas[key].request.apiKey, key);
  }
});

test('every request round-trips at every valid version, with its header', () => {
  for (const key of apiKeys) {
    for (const version of versions(key)) {
      for (const variant of variants) {
        const body = sampleBody(apiSchemas[key].request, version, variant);
        const clientId = variant === 'full' ? 'client-é' : null;
        const frame = Buffer.concat(encodeRequest(key, version, 42, clientId, body as never));
        assert.equal(frame.readInt32BE(0), frame.length - 4, `size prefix of ${apiKeyNames[key]} v${version}`);
        const header = decodeRequestHeader(frame.subarray(4));
        assert.deepEqual({ ...header, bodyOffset: 0 }, { apiKey: key, apiVersion: version, correlationId: 42, clientId, bodyOffset: 0 });
        const decoded = decodeRequest(key, version, frame.subarray(4), header.bodyOffset);
        assert.deepEqual(decoded, body, `${apiKeyNames[key]} request v${version} (${variant})`);
      }
    }
  }
});

test('every response round-trips at every valid version, with its header', () => {
  for (const key of apiKeys) {
    for (const version of versions(key)) {
      for (const variant of variants) {
        const body = sampleBody(apiSchemas[key].response, version, variant);
        const frame = Buffer.concat(encodeResponse(key, version, 7, body as never));
        assert.equal(frame.readInt32BE(0), frame.length - 4);
        const decoded = decodeResponse(key, version, frame.subarray(4));
        assert.deepEqual(decoded, { correlationId: 7, body }, `${apiKeyNames[key]} response v${version} (${variant})`);
      }
    }
  }
});

test('a response with its optional fields left out encodes their defaults', () => {
  const frame = Buffer.concat(encodeResponse(0, 7, 1, {
    responses: [{ name: 't', partitionResponses: [{ index: 0, errorCode: 0, baseOffset: 5 }] }],
  }));
  const { body } = decodeResponse(0, 7, frame.subarray(4));
  assert.deepEqual(body.responses[0]?.partitionResponses[0], {
    index: 0, errorCode: 0, baseOffset: 5, logAppendTimeMs: -1, logStartOffset: -1, recordErrors: [], errorMessage: null,
    // Absent at v7 (tagged from v10), so decoding fills in the spec's defaults.
    currentLeader: { leaderId: -1, leaderEpoch: -1 },
  });
  assert.equal(body.throttleTimeMs, 0);
});

test('records are decoded as a view of the frame and may be encoded from chunks', () => {
  const parts = [Buffer.from('first-'), Buffer.alloc(2000, 1), Buffer.from('-last')];
  const chunks = encodeResponse(1, 11, 3, {
    responses: [{ topic: 't', partitions: [{ partitionIndex: 0, errorCode: 0, highWatermark: 1, records: parts }] }],
  });
  assert.ok(chunks.includes(parts[1] as Buffer), 'the large chunk is passed through, not copied');
  const frame = Buffer.concat(chunks).subarray(4);
  const records = decodeResponse(1, 11, frame).body.responses[0]?.partitions[0]?.records;
  assert.ok(Buffer.isBuffer(records));
  assert.deepEqual(records, Buffer.concat(parts));
  assert.equal(records.buffer, frame.buffer, 'a view of the frame');
});

test('a null value in a field that is not nullable at that version is refused', () => {
  assert.throws(() => encodeRequest(3, 0, 1, null, { topics: null, allowAutoTopicCreation: true, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false }),
    /MetadataRequest v0\.topics: null is not allowed at version 0/);
});

test('an unsupported version is refused with CodecError', () => {
  assert.throws(() => encodeRequest(18, 99, 1, null, { clientSoftwareName: '', clientSoftwareVersion: '' }), /ApiVersionsRequest has no version 99/);
});

test('consumer protocol subscription and assignment round-trip at every version, with the version prefix', () => {
  for (let version = 0; version <= 3; version++) {
    const subscription = {
      topics: ['a', 'b'], userData: Buffer.from([1]),
      ownedPartitions: version >= 1 ? [{ topic: 'a', partitions: [0, 2] }] : [],
      generationId: version >= 2 ? 5 : -1, rackId: version >= 3 ? 'r1' : null,
    };
    const bytes = encodeConsumerProtocolSubscription(subscription, version);
    assert.equal(bytes.readInt16BE(0), version);
    assert.deepEqual(decodeConsumerProtocolSubscription(bytes), { version, subscription });
    const assignment = { assignedPartitions: [{ topic: 'a', partitions: [1] }], userData: null };
    assert.deepEqual(decodeConsumerProtocolAssignment(encodeConsumerProtocolAssignment(assignment, version)), { version, assignment });
  }
});

test('an empty assignment is a valid non-empty encoding, and newer versions decode with the newest layout', () => {
  const empty = encodeConsumerProtocolAssignment({ assignedPartitions: [], userData: null });
  assert.equal(empty.toString('hex'), '0000' + '00000000' + 'ffffffff');
  const future = Buffer.from(encodeConsumerProtocolAssignment({ assignedPartitions: [], userData: null }, 3));
  future.writeInt16BE(9, 0);
  assert.deepEqual(decodeConsumerProtocolAssignment(Buffer.concat([future, Buffer.from('extra')])).version, 9);
});
