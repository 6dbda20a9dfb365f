// `npm run bench -- engine`: the windowed engine in-process, no Kafka, on a Nexmark-like stream of bids,
// auctions and persons with event-time disorder. Four queries: (1) a keyed tumbling-window count,
// (2) q5-like hot items on hopping windows, (3) q11-like bidder sessions, (4) an interval join of bids
// with their auctions. Query (1) is also computed by a hand-written loop over Maps in the same run:
// that is the ceiling the engine is measured against. Single-threaded; rates are events per second of
// this process's CPU time, which is events/s per core and, unlike wall time, does not depend on what
// other processes on the shared cores are doing (wall-clock rates are kept in the JSON as well).
// Flags: --events=N (default 2,000,000), --reps=N (default 5), --only=q1 (the ceiling and query 1 only),
// --verbose (every run of query 1 and the ceiling).
import { compile } from '../sandbox/engine';
import { count, hopping, json, maxBy, pipeline, session, tumbling, type Pipeline } from '../sandbox/pipeline';

type Bid = { auction: number; bidder: number; price: number; dateTime: number };
type Auction = { id: number; seller: number; category: number; initialBid: number; dateTime: number };
type Person = { id: number; name: string; city: string; dateTime: number };

const OUT_OF_ORDERNESS = 2_000;

/** Nexmark's mix: of every 50 events, 1 person, 3 auctions, 46 bids; event time advances 1 ms per event on average and arrives up to 2 s out of order. */
function generate(events: number, seed = 1): { bids: Bid[]; auctions: Auction[]; persons: Person[] } {
  let s = seed >>> 0;
  const rnd = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const bids: Bid[] = [];
  const auctions: Auction[] = [];
  const persons: Person[] = [];
  let now = 1_700_000_000_000;
  for (let i = 0; i < events; i++) {
    now += rnd() < 0.5 ? 0 : 2;
    const t = now - Math.floor(rnd() * rnd() * OUT_OF_ORDERNESS);
    const slot = i % 50;
    if (slot === 0) {
      persons.push({ id: persons.length, name: `p${persons.length}`, city: 'Paris', dateTime: t });
    } else if (slot < 4) {
      auctions.push({ id: auctions.length, seller: Math.floor(rnd() * Math.max(1, persons.length)), category: Math.floor(rnd() * 10), initialBid: 100, dateTime: t });
    } else {
      // Bids go mostly to recent auctions ("hot" ones), as in Nexmark.
      const recent = Math.max(1, auctions.length);
      const auction = rnd() < 0.9 ? recent - 1 - Math.floor(rnd() * Math.min(recent, 100)) : Math.floor(rnd() * recent);
      bids.push({ auction, bidder: Math.floor(rnd() * 5_000), price: Math.floor(rnd() * 10_000), dateTime: t });
    }
  }
  return { bids, auctions, persons };
}

const bidsSource = { value: json<Bid>(), eventTime: (b: Bid) => b.dateTime, outOfOrderness: OUT_OF_ORDERNESS };

const q1 = pipeline('q1-tumbling-count', (p) => {
  const bids = p.bronze('bids', bidsSource);
  p.gold('bids_per_auction', bids.keyBy((b) => b.auction).window(tumbling('10s')).aggregate({ bids: count() }));
});
const q5 = pipeline('q5-hot-items', (p) => {
  const bids = p.bronze('bids', bidsSource);
  const perAuction = bids.keyBy((b) => b.auction).window(hopping('10s', '2s')).aggregate({ bids: count() });
  p.gold('hot_items', perAuction.keyBy((r) => r.windowEnd).window(tumbling('2s')).aggregate({ hottest: maxBy((r) => r.bids) }));
});
const q11 = pipeline('q11-sessions', (p) => {
  const bids = p.bronze('bids', bidsSource);
  p.gold('bidder_sessions', bids.keyBy((b) => b.bidder).window(session('10s')).aggregate({ bids: count() }));
});
const qJoin = pipeline('interval-join', (p) => {
  const bids = p.bronze('bids', bidsSource);
  const auctions = p.bronze('auctions', { value: json<Auction>(), eventTime: (a) => a.dateTime, outOfOrderness: OUT_OF_ORDERNESS });
  p.gold('bids_with_auction', bids.intervalJoin(auctions, {
    leftKey: (b) => b.auction, rightKey: (a) => a.id, before: '20s', after: '2s',
    select: (b, a) => ({ auction: a.id, seller: a.seller, price: b.price }),
  }));
});

/**
 * The ceiling for query (1): the same result (per auction and 10 s window, the count, emitted when the
 * watermark passes the window end, with the watermark trailing the highest event time by 2 s) with
 * nothing but Maps and a sorted list of open window ends.
 */
function handWritten(batches: readonly Bid[][]): { results: number; total: number } {
  const size = 10_000;
  const windows = new Map<number, Map<number, number>>();
  const ends: number[] = [];
  let maxTs = -Infinity;
  let wm = -Infinity;
  let results = 0;
  let total = 0;
  const out: { key: number; windowStart: number; windowEnd: number; bids: number }[] = [];
  const fire = (upTo: number): void => {
    while (ends.length > 0 && ends[0]! <= upTo) {
      const end = ends.shift()!;
      for (const [key, n] of windows.get(end)!) out.push({ key, windowStart: end - size, windowEnd: end, bids: n });
      windows.delete(end);
    }
    results += out.length;
    for (const r of out) total += r.bids;
    out.length = 0;
  };
  for (const batch of batches) {
    for (let i = 0; i < batch.length; i++) {
      const b = batch[i]!;
      const ts = b.dateTime;
      const end = ts - (ts % size) + size;
      if (end <= wm) continue;
      let byKey = windows.get(end);
      if (byKey === undefined) {
        byKey = new Map();
        windows.set(end, byKey);
        let j = ends.length;
        while (j > 0 && ends[j - 1]! > end) j--;
        ends.splice(j, 0, end);
      }
      byKey.set(b.auction, (byKey.get(b.auction) ?? 0) + 1);
      if (ts > maxTs) {
        maxTs = ts;
        if (maxTs - OUT_OF_ORDERNESS > wm) {
          wm = maxTs - OUT_OF_ORDERNESS;
          if (ends[0]! <= wm) fire(wm);
        }
      }
    }
  }
  fire(Number.MAX_SAFE_INTEGER);
  return { results, total };
}

/** Runs `fn` and returns its wall time and the CPU time this process spent meanwhile, in ms. */
function timed<T>(fn: () => T): { value: T; wallMs: number; cpuMs: number } {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  const value = fn();
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  const used = process.cpuUsage(cpu);
  return { value, wallMs, cpuMs: (used.user + used.system) / 1000 };
}

function batchesOf<T>(values: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}

interface Measured {
  /** Per second of CPU time: per core. */
  eventsPerSec: number;
  wallEventsPerSec: number;
  results: number;
  maxState: number;
  ms: number;
}

/** Runs a pipeline over batches of one or two sources, sampling state size to show it stays bounded. */
function runEngine(p: Pipeline, feed: { source: string; batches: unknown[][] }[]): Measured {
  const job = compile(p.plan, { lineage: false });
  let events = 0;
  let maxState = 0;
  let results = 0;
  const offsets = feed.map(() => 0);
  const rounds = Math.max(...feed.map((f) => f.batches.length));
  const t = timed(() => {
    for (let r = 0; r < rounds; r++) {
      for (let f = 0; f < feed.length; f++) {
        const batch = feed[f]!.batches[r];
        if (batch === undefined) continue;
        job.pushValues(feed[f]!.source, 0, offsets[f]!, batch);
        offsets[f]! += batch.length;
        events += batch.length;
      }
      // A runner drains after every fetch and hands the records to its producer; so does the benchmark.
      for (const records of Object.values(job.drain())) results += records.length;
      if (r % 256 === 0) maxState = Math.max(maxState, job.stateSize());
    }
    job.finish();
    for (const records of Object.values(job.drain())) results += records.length;
  });
  return { eventsPerSec: Math.round(events / (t.cpuMs / 1000)), wallEventsPerSec: Math.round(events / (t.wallMs / 1000)), results, maxState, ms: Math.round(t.wallMs) };
}

function best<T extends { eventsPerSec: number }>(runs: number, fn: () => T): T {
  let top: T | null = null;
  for (let i = 0; i < runs; i++) {
    const r = fn();
    if (top === null || r.eventsPerSec > top.eventsPerSec) top = r;
  }
  return top!;
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const events = Number(args.find((a) => a.startsWith('--events='))?.slice(9) ?? 2_000_000);
  const reps = Number(args.find((a) => a.startsWith('--reps='))?.slice(7) ?? 5);
  const { bids, auctions } = generate(events);
  const bidBatches = batchesOf(bids, 1000);
  console.log(`generated ${events.toLocaleString()} events: ${bids.length.toLocaleString()} bids, ${auctions.length.toLocaleString()} auctions; best of ${reps} runs for (1), 3 for the others; one thread, events per CPU-second`);

  // The ceiling and query (1) run alternately, so a noisy neighbour on the shared cores slows both alike;
  // the best run of each is kept. Both need a few runs to warm up (JIT tiers, young-generation sizing),
  // so query (1) gets `reps` runs (default 5) and the other queries three.
  const handRun = (): { eventsPerSec: number; wallEventsPerSec: number; results: number; total: number } => {
    const t = timed(() => handWritten(bidBatches));
    return { eventsPerSec: Math.round(bids.length / (t.cpuMs / 1000)), wallEventsPerSec: Math.round(bids.length / (t.wallMs / 1000)), results: t.value.results, total: t.value.total };
  };
  let hand = handRun();
  let r1 = runEngine(q1, [{ source: 'bids', batches: bidBatches }]);
  for (let i = 1; i < reps; i++) {
    const h = handRun();
    if (h.eventsPerSec > hand.eventsPerSec) hand = h;
    const e = runEngine(q1, [{ source: 'bids', batches: bidBatches }]);
    if (args.includes('--verbose')) console.log(`  run ${i + 1}: hand-written ${h.eventsPerSec.toLocaleString()}, engine ${e.eventsPerSec.toLocaleString()} events/s`);
    if (e.eventsPerSec > r1.eventsPerSec) r1 = e;
  }
  // The engine and the hand-written loop must agree before their speeds are compared.
  const engineTotal = (() => {
    const job = compile(q1.plan, { lineage: false });
    let off = 0;
    for (const b of bidBatches) { job.pushValues('bids', 0, off, b); off += b.length; }
    job.finish();
    const out = job.drain().bids_per_auction ?? [];
    return { results: out.length, total: out.reduce((s, r) => s + (r.value as { bids: number }).bids, 0) };
  })();
  if (engineTotal.results !== hand.results || engineTotal.total !== hand.total) {
    throw new Error(`query 1 disagrees: engine ${JSON.stringify(engineTotal)}, hand-written ${JSON.stringify({ results: hand.results, total: hand.total })}`);
  }
  if (args.includes('--only=q1')) {
    console.log(`hand-written ${hand.eventsPerSec.toLocaleString()} events/s; engine ${r1.eventsPerSec.toLocaleString()} events/s`);
    return { handWrittenQ1EventsPerSec: hand.eventsPerSec, q1EventsPerSec: r1.eventsPerSec };
  }
  const others = Math.min(reps, 3);
  const r5 = best(others, () => runEngine(q5, [{ source: 'bids', batches: bidBatches }]));
  const r11 = best(others, () => runEngine(q11, [{ source: 'bids', batches: bidBatches }]));
  const auctionBatches = batchesOf(auctions, Math.max(1, Math.round(1000 * auctions.length / bids.length)));
  const rj = best(others, () => runEngine(qJoin, [{ source: 'bids', batches: bidBatches }, { source: 'auctions', batches: auctionBatches }]));
  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);

  const ratio = r1.eventsPerSec / hand.eventsPerSec;
  const line = (name: string, r: Measured, target: string): void => {
    console.log(`${name.padEnd(38)} ${r.eventsPerSec.toLocaleString().padStart(11)} events/s  ${String(r.results).padStart(8)} results  max state ${String(r.maxState).padStart(7)}  ${target}`);
  };
  console.log(`${'hand-written Map loop, query (1)'.padEnd(38)} ${hand.eventsPerSec.toLocaleString().padStart(11)} events/s  ${String(hand.results).padStart(8)} results  (ceiling)`);
  line('(1) keyed tumbling count', r1, `target ≥ 1,000,000 and ≥ 50% of ceiling: ${(ratio * 100).toFixed(0)}%`);
  line('(2) q5 hot items, hopping 10s/2s', r5, 'target ≥ 300,000 (Flink q5 ≈ 22,140/core)');
  line('(3) q11 bidder sessions, gap 10s', r11, '(Flink q11 ≈ 39,700/core)');
  line('(4) interval join bids ⋈ auctions', rj, '');
  console.log(`peak RSS ${peakRssMb} MB (includes the ${events.toLocaleString()} pre-generated events)`);
  return {
    events, bids: bids.length, auctions: auctions.length, reps,
    handWrittenQ1EventsPerSec: hand.eventsPerSec,
    wallClock: { handWrittenQ1: hand.wallEventsPerSec, q1: r1.wallEventsPerSec, q5: r5.wallEventsPerSec, q11: r11.wallEventsPerSec, join: rj.wallEventsPerSec },
    q1EventsPerSec: r1.eventsPerSec, q1RatioToHandWritten: Number(ratio.toFixed(3)),
    q5EventsPerSec: r5.eventsPerSec, q11EventsPerSec: r11.eventsPerSec, joinEventsPerSec: rj.eventsPerSec,
    maxState: { q1: r1.maxState, q5: r5.maxState, q11: r11.maxState, join: rj.maxState },
    peakRssMb,
  };
}
