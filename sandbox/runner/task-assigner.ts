// The group's partition assigner: hands out whole tasks (a task's bronze partitions plus its
// changelog partition) so a task's inputs and state always land on one worker together. Tasks go
// round-robin over the members sorted by id, so every member computes the same answer.
import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';
import { changelogTopicOf, partitionsOfTask, type TaskLayout } from './task-layout';

export const TASK_ASSIGNER_NAME = 'medallion-tasks';

export function taskAssigner(layout: TaskLayout, group: string): PartitionAssigner {
  const changelog = changelogTopicOf(group);
  return () => ({
    name: TASK_ASSIGNER_NAME,
    version: 1,
    async assign({ members }) {
      const ids = members.map((m) => m.memberId).sort();
      const byMember = new Map<string, Record<string, number[]>>(ids.map((id) => [id, {}]));
      for (let task = 0; task < layout.tasks; task++) {
        const owner = byMember.get(ids[task % ids.length]!)!;
        const parts = { ...partitionsOfTask(layout, task), [changelog]: [task] };
        for (const [topic, partitions] of Object.entries(parts)) (owner[topic] ??= []).push(...partitions);
      }
      return ids.map((memberId) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 1, assignment: byMember.get(memberId)!, userData: Buffer.alloc(0) }),
      }));
    },
    protocol({ topics }) {
      return { name: TASK_ASSIGNER_NAME, metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.alloc(0) }) };
    },
  });
}

/** The tasks a member was given, read back from its assignment. */
export function tasksIn(assignment: Record<string, number[]>, group: string): number[] {
  return [...(assignment[changelogTopicOf(group)] ?? [])].sort((a, b) => a - b);
}
