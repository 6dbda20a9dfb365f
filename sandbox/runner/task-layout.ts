// Tasks as in Kafka Streams: the unit of work, state and ownership. A task owns a fixed set of
// bronze partitions and one partition of the changelog topic; it moves between workers whole, with
// its state. In 'per-partition' mode task p owns partition p of every bronze topic, which is right
// only when every keyed operator keys by what the bronze records are partitioned by. In 'single'
// mode one task owns everything, which is right for any pipeline (re-keying, global windows) and
// gives fail-over but no parallelism.

export interface TaskLayout {
  readonly mode: 'single' | 'per-partition';
  /** Partitions per bronze topic, as seen when the run started. */
  readonly partitionsOf: Readonly<Record<string, number>>;
  readonly tasks: number;
}

export function makeTaskLayout(mode: TaskLayout['mode'], partitionsOf: Record<string, number>): TaskLayout {
  const most = Math.max(1, ...Object.values(partitionsOf));
  return { mode, partitionsOf, tasks: mode === 'single' ? 1 : most };
}

/** The bronze partitions a task owns, by topic. */
export function partitionsOfTask(layout: TaskLayout, task: number): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [topic, count] of Object.entries(layout.partitionsOf)) {
    if (layout.mode === 'single') out[topic] = Array.from({ length: count }, (_, i) => i);
    else if (task < count) out[topic] = [task];
  }
  return out;
}

/** Which task a bronze partition belongs to. */
export function taskOfPartition(layout: TaskLayout, partition: number): number {
  return layout.mode === 'single' ? 0 : partition;
}

/** The stable transactional id of a task: a restarted or moved task fences its predecessor with it. */
export function transactionalIdOf(group: string, task: number): string {
  return `${group}-task-${task}`;
}

export function changelogTopicOf(group: string): string {
  return `${group}-changelog`;
}
