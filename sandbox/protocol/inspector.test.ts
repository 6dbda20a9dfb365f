import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRequest } from './inspector';

test('parseRequest accepts a well-formed request and names what is wrong with others', () => {
  assert.deepEqual(parseRequest('{"kind":"request","id":3,"method":"counts/get","params":{}}'), { kind: 'request', id: 3, method: 'counts/get', params: {} });
  assert.deepEqual(parseRequest('not json'), { error: 'the message is not JSON' });
  assert.deepEqual(parseRequest('[1]'), { error: 'a request needs kind "request" and an integer id' });
  assert.deepEqual(parseRequest('{"kind":"request","id":1.5,"method":"counts/get","params":{}}'), { error: 'a request needs kind "request" and an integer id' });
  assert.deepEqual(parseRequest('{"kind":"request","id":4,"method":"drop/all","params":{}}'), { error: 'unknown method "drop/all"', id: 4 });
  assert.deepEqual(parseRequest('{"kind":"request","id":5,"method":"query/run","params":null}'), { error: 'params must be an object', id: 5 });
});
