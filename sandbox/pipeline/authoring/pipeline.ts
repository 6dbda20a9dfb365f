// pipeline(): the entry point of a pipeline file. The builder names bronze sources and silver and gold
// layers; the result is a plain plan the engine compiles, the runner runs and the test driver drives.
import { callSite, toMillis, type DeadLetterRecord, type LateRecord, type PipelinePlan, type QuarantineRecord, type SourceMeta } from '../../engine';
import type { SideOutputKind } from '../../engine/plan';
import { Graph } from './graph';
import { Stream } from './stream';
import type { BronzeOptions, Key, LayerOptions } from './types';

/** A compiled-to-plan pipeline: what a pipeline file exports by default. */
export class Pipeline {
  /** @internal */
  constructor(readonly name: string, readonly plan: PipelinePlan) {}

  /** The bronze sources' names. */
  get sources(): string[] {
    return this.plan.nodes.flatMap((n) => (n.kind === 'source' ? [n.name] : []));
  }

  /** The silver and gold layers' names. */
  get layers(): string[] {
    return this.plan.nodes.flatMap((n) => (n.kind === 'layer' ? [n.name] : []));
  }
}

export interface PipelineBuilder {
  /**
   * A bronze source: a topic read as typed records with a key and event time.
   * @example p.bronze('orders', { value: json<Order>(), key: (o) => o.orderId, eventTime: (o) => Date.parse(o.ts), outOfOrderness: '5s' })
   */
  bronze<T, K extends Key = string>(name: string, options: BronzeOptions<T, K>): Stream<T>;
  /** A silver layer: validated, normalized records written to a topic. Returns the layer's stream for layers downstream. */
  silver<T>(name: string, stream: Stream<T>, options?: LayerOptions): Stream<T>;
  /** A gold layer: business answers written to a topic. */
  gold<T>(name: string, stream: Stream<T>, options?: LayerOptions): Stream<T>;
  /**
   * A layer's side output read as a stream, for a layer that counts or repairs what it holds: `late`
   * and `quarantine` of a silver or gold layer, `dead_letter` of a layer or a bronze source. The
   * records keep their own event time; late ones are behind the watermark, so count them with a
   * running `aggregate` rather than a window.
   * @example p.gold('late_per_layer', p.sideOutput(revenue, 'late').keyBy(() => 'revenue').aggregate({ late: count() }))
   */
  sideOutput<K extends SideOutputKind>(of: Stream<unknown>, kind: K): Stream<SideOutputValue[K]>;
}

/** What each side output carries. */
export interface SideOutputValue {
  late: LateRecord;
  quarantine: QuarantineRecord;
  dead_letter: DeadLetterRecord;
}

/**
 * Defines a pipeline.
 * @example
 * export default pipeline('orders', (p) => {
 *   const orders = p.bronze('orders', { value: json<Order>(), eventTime: (o) => Date.parse(o.ts) });
 *   p.gold('orders_per_minute', orders.keyBy((o) => o.region).window(tumbling('1m')).aggregate({ n: count() }));
 * });
 */
export function pipeline(name: string, build: (p: PipelineBuilder) => void): Pipeline {
  const graph = new Graph(name);
  const layer = (tier: 'silver' | 'gold') => <T>(layerName: string, stream: Stream<T>, options: LayerOptions = {}): Stream<T> => {
    if (stream.graph !== graph) throw new Error(`layer "${layerName}" uses a stream from another pipeline`);
    graph.claimName(layerName);
    const node = graph.add({
      kind: 'layer', input: stream.node, name: layerName, tier, topic: options.topic ?? layerName,
      onError: options.onError ?? 'dead_letter', definedAt: callSite(),
    });
    graph.claim(node, layerName);
    return new Stream<T>(node, graph);
  };
  const builder: PipelineBuilder = {
    bronze<T, K extends Key = string>(sourceName: string, options: BronzeOptions<T, K>): Stream<T> {
      graph.claimName(sourceName);
      const node = graph.add({
        kind: 'source', name: sourceName, topic: options.topic ?? sourceName,
        decode: options.value.decode,
        key: options.key === undefined ? null : (options.key as (v: unknown) => unknown),
        eventTime: options.eventTime === 'timestamp' ? 'timestamp' : (options.eventTime as (v: unknown, m: SourceMeta) => number),
        outOfOrderness: toMillis(options.outOfOrderness ?? 0),
        idleness: options.idleness === undefined ? null : toMillis(options.idleness),
        onError: options.onError ?? 'dead_letter', definedAt: callSite(),
      });
      graph.claim(node, sourceName);
      return new Stream<T>(node, graph);
    },
    silver: layer('silver'),
    gold: layer('gold'),
    sideOutput<K extends SideOutputKind>(of: Stream<unknown>, kind: K): Stream<SideOutputValue[K]> {
      if (of.graph !== graph) throw new Error(`sideOutput(${kind}) reads a stream from another pipeline`);
      const input = of.node;
      if (!(input.kind === 'layer' || (input.kind === 'source' && kind === 'dead_letter'))) {
        throw new Error(`sideOutput(${kind}) reads a layer returned by p.silver or p.gold${kind === 'dead_letter' ? ', or a bronze source' : ''}, not a ${input.kind} stream`);
      }
      const node = graph.add({ kind: 'sideOutput', input, output: kind, definedAt: callSite() });
      return new Stream<SideOutputValue[K]>(node, graph);
    },
  };
  build(builder);
  if (!graph.nodes.some((n) => n.kind === 'layer')) throw new Error(`pipeline "${name}" declares no silver or gold layer`);
  return new Pipeline(name, graph.plan());
}
