// The plan under construction: nodes get ids in creation order, so compiling the same pipeline file
// twice gives the same graph and snapshots stay valid across runs.
import type { PipelinePlan, PlanNode } from '../../engine';
import { inputsOf } from '../../engine/plan';

type NewNode = PlanNode extends infer N ? (N extends PlanNode ? Omit<N, 'id' | 'owner'> : never) : never;

export class Graph {
  readonly nodes: PlanNode[] = [];
  private readonly names = new Set<string>();

  constructor(readonly name: string) {}

  add<N extends NewNode>(node: N): PlanNode {
    const full = { ...node, id: this.nodes.length, owner: null } as unknown as PlanNode;
    this.nodes.push(full);
    return full;
  }

  claimName(name: string): void {
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name)) throw new Error(`"${name}" is not a valid layer name: use letters, digits, _ . -`);
    if (this.names.has(name)) throw new Error(`pipeline "${this.name}" already has a source or layer named "${name}"`);
    this.names.add(name);
  }

  /** Every node upstream of a layer not yet owned by an earlier layer belongs to it. */
  claim(node: PlanNode, owner: string): void {
    if (node.owner !== null) return;
    node.owner = owner;
    for (const input of inputsOf(node)) this.claim(input, owner);
  }

  plan(): PipelinePlan {
    return { name: this.name, nodes: this.nodes };
  }
}
