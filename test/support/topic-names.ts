/**
 * Unique topic and group names, so tests running in parallel against one broker (or re-run against a
 * kept data directory) never see each other's records.
 */
import { randomBytes } from 'node:crypto';

export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

export function uniqueTopic(prefix = 'topic'): string {
  return uniqueName(prefix);
}

export function uniqueGroup(prefix = 'group'): string {
  return uniqueName(prefix);
}
