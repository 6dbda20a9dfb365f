// Every API the broker serves. Adding an API is one file and one line here; the registry refuses
// a key listed twice and builds the ApiVersions answer from this list.
import { produceHandler } from './00-produce';
import { fetchHandler } from './01-fetch';
import { listOffsetsHandler } from './02-list-offsets';
import { metadataHandler } from './03-metadata';
import { offsetCommitHandler } from './08-offset-commit';
import { offsetFetchHandler } from './09-offset-fetch';
import { findCoordinatorHandler } from './10-find-coordinator';
import { joinGroupHandler } from './11-join-group';
import { heartbeatHandler } from './12-heartbeat';
import { leaveGroupHandler } from './13-leave-group';
import { syncGroupHandler } from './14-sync-group';
import { describeGroupsHandler } from './15-describe-groups';
import { listGroupsHandler } from './16-list-groups';
import { saslHandshakeHandler } from './17-sasl-handshake';
import { apiVersionsHandler } from './18-api-versions';
import { createTopicsHandler } from './19-create-topics';
import { deleteTopicsHandler } from './20-delete-topics';
import { initProducerIdHandler } from './22-init-producer-id';
import { describeConfigsHandler } from './32-describe-configs';
import { addPartitionsToTxnHandler } from './24-add-partitions-to-txn';
import { addOffsetsToTxnHandler } from './25-add-offsets-to-txn';
import { endTxnHandler } from './26-end-txn';
import { txnOffsetCommitHandler } from './28-txn-offset-commit';
import { saslAuthenticateHandler } from './36-sasl-authenticate';
import { deleteGroupsHandler } from './42-delete-groups';
import type { AnyApiHandler } from './registry';

export const allHandlers: readonly AnyApiHandler[] = [
  produceHandler,
  fetchHandler,
  listOffsetsHandler,
  metadataHandler,
  offsetCommitHandler,
  offsetFetchHandler,
  findCoordinatorHandler,
  joinGroupHandler,
  heartbeatHandler,
  leaveGroupHandler,
  syncGroupHandler,
  describeGroupsHandler,
  listGroupsHandler,
  saslHandshakeHandler,
  apiVersionsHandler,
  createTopicsHandler,
  deleteTopicsHandler,
  initProducerIdHandler,
  addPartitionsToTxnHandler,
  addOffsetsToTxnHandler,
  endTxnHandler,
  txnOffsetCommitHandler,
  describeConfigsHandler,
  saslAuthenticateHandler,
  deleteGroupsHandler,
];
