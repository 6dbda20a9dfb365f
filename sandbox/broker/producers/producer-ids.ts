/**
 * Hands out producer ids for InitProducerId. Ids must never repeat across restarts, because a
 * partition log remembers each producer's sequence numbers, so the next free id is persisted in
 * blocks: at most one small file write per thousand producers.
 *
 * A transactional id keeps its producer id and gets a higher epoch each time it is initialized,
 * which fences the older producer instance.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const BLOCK = 1000;
const MAX_EPOCH = 32767;

interface State {
  nextBlockStart: number;
  transactional: Record<string, { producerId: number; producerEpoch: number }>;
}

export class ProducerIds {
  private next: number;
  private blockEnd: number;
  private readonly state: State;
  private readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'producer-ids.json');
    this.state = existsSync(this.file)
      ? (JSON.parse(readFileSync(this.file, 'utf8')) as State)
      : { nextBlockStart: 1000, transactional: {} };
    this.next = this.state.nextBlockStart;
    this.blockEnd = this.next;
  }

  /** A fresh id for an idempotent producer, with epoch 0. */
  allocate(): { producerId: number; producerEpoch: number } {
    if (this.next >= this.blockEnd) {
      this.blockEnd = this.next + BLOCK;
      this.state.nextBlockStart = this.blockEnd;
      this.persist();
    }
    return { producerId: this.next++, producerEpoch: 0 };
  }

  /** The id of a transactional producer, its epoch bumped past every earlier instance. */
  initTransactional(transactionalId: string): { producerId: number; producerEpoch: number } {
    const known = this.state.transactional[transactionalId];
    let entry: { producerId: number; producerEpoch: number };
    if (!known || known.producerEpoch >= MAX_EPOCH) {
      entry = this.allocate();
    } else {
      entry = { producerId: known.producerId, producerEpoch: known.producerEpoch + 1 };
    }
    this.state.transactional[transactionalId] = entry;
    this.persist();
    return entry;
  }

  current(transactionalId: string): { producerId: number; producerEpoch: number } | undefined {
    return this.state.transactional[transactionalId];
  }

  private persist(): void {
    writeFileSync(`${this.file}.tmp`, JSON.stringify(this.state));
    renameSync(`${this.file}.tmp`, this.file);
  }
}
