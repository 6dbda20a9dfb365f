/**
 * The latest record counts of every topic, read from Kafka on a timer while someone watches (a
 * visible Topics or Pipelines view, a running pipeline) and not otherwise. Readers get the last
 * snapshot at once and an event when a new one differs.
 */
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { topicsRefreshMs } from '../settings';
import { TopicCounter } from './topic-counts';
import { groupTopics, type TopicCount, type TopicGroups } from './topic-groups';

export type TopicSnapshot =
  | { kind: 'unavailable'; reason: string }
  | { kind: 'counts'; bootstrap: string; topics: TopicCount[]; groups: TopicGroups; at: number };

export class TopicStore implements vscode.Disposable {
  private readonly counter = new TopicCounter();
  private readonly changed = new vscode.EventEmitter<TopicSnapshot>();
  readonly onDidChange = this.changed.event;
  private current: TopicSnapshot = { kind: 'unavailable', reason: 'not read yet' };
  private readonly watchers = new Set<object>();
  private timer: NodeJS.Timeout | undefined;
  private reading: Promise<TopicSnapshot> | undefined;

  constructor(private readonly ctx: Ctx) {}

  get snapshot(): TopicSnapshot {
    return this.current;
  }

  count(topic: string): number | undefined {
    return this.current.kind === 'counts' ? this.current.topics.find((t) => t.topic === topic)?.records : undefined;
  }

  /** Keeps counts fresh while the returned disposable lives. */
  watch(): vscode.Disposable {
    const token = {};
    this.watchers.add(token);
    this.schedule(0);
    return new vscode.Disposable(() => {
      this.watchers.delete(token);
      if (this.watchers.size === 0 && this.timer) {
        clearTimeout(this.timer);
        this.timer = undefined;
      }
    });
  }

  /** Reads now; concurrent callers share one read. */
  refresh(): Promise<TopicSnapshot> {
    this.reading ??= this.read().finally(() => (this.reading = undefined));
    return this.reading;
  }

  async deleteTopics(topics: string[]): Promise<void> {
    await this.counter.deleteTopics(await this.ctx.connection(), topics);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    void this.counter.close();
    this.changed.dispose();
  }

  private schedule(delayMs: number): void {
    if (this.timer || this.watchers.size === 0) return;
    this.timer = setTimeout(() => {
      void this.refresh().finally(() => {
        this.timer = undefined;
        this.schedule(topicsRefreshMs());
      });
    }, delayMs);
  }

  private async read(): Promise<TopicSnapshot> {
    let next: TopicSnapshot;
    try {
      const connection = await this.ctx.connection();
      if (connection.kind === 'none') {
        next = { kind: 'unavailable', reason: connection.reason };
        await this.counter.close();
      } else {
        await this.ctx.catalog.ready();
        const topics = await this.counter.read(connection);
        const bootstrap = connection.kind === 'sandbox' ? connection.bootstrap : connection.brokers.join(',');
        next = { kind: 'counts', bootstrap, topics, groups: groupTopics(topics, this.ctx.catalog.tierOfTopic()), at: Date.now() };
      }
    } catch (error) {
      await this.counter.close();
      next = { kind: 'unavailable', reason: error instanceof Error ? error.message : String(error) };
    }
    if (!sameSnapshot(this.current, next)) {
      this.current = next;
      this.changed.fire(next);
    }
    return next;
  }
}

function sameSnapshot(a: TopicSnapshot, b: TopicSnapshot): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'unavailable' || b.kind === 'unavailable') return a.kind === 'unavailable' && b.kind === 'unavailable' && a.reason === b.reason;
  return a.bootstrap === b.bootstrap && JSON.stringify(a.topics) === JSON.stringify(b.topics);
}
