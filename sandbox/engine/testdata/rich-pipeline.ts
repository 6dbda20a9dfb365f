// A pipeline that uses every stateful operator, and a seeded input schedule with disorder, duplicates,
// late records, several partitions and idle stretches: the workload of the checkpoint and determinism tests.
import {
  avg, count, countDistinct, cumulating, hopping, json, last, max, pipeline, session, sum, tumbling, type Pipeline, type TestDriver,
} from '../../pipeline';

export type Bid = { bidId: string; auction: number; bidder: number; price: number; t: number };
export type Auction = { auction: number; seller: number; category: number; t: number };

export function richPipeline(): Pipeline {
  return pipeline('rich', (p) => {
    const bids = p.bronze('bids', { value: json<Bid>(), key: (b) => b.bidId, eventTime: (b) => b.t, outOfOrderness: '2s', idleness: '5s' });
    const auctions = p.bronze('auctions', { value: json<Auction>(), key: (a) => String(a.auction), eventTime: (a) => a.t, outOfOrderness: '1s', idleness: '5s' });
    const clean = p.silver('bids_clean', bids
      .expect('positive_price', (b) => b.price > 0, 'quarantine')
      .map((b) => {
        if (b.bidder === 13) throw new Error('unlucky bidder');
        return b;
      })
      .dedupe({ key: (b) => b.bidId, within: '10s' }));
    const byAuction = clean.keyBy((b) => b.auction);
    p.gold('per_auction_1m', byAuction.window(tumbling('10s'), { allowedLateness: '1s' }).aggregate({ bids: count(), volume: sum((b) => b.price), top: max((b) => b.price) }));
    p.gold('hot_items', byAuction.window(hopping('10s', '5s'), { emit: 'update' }).aggregate({ bids: count(), mean: avg((b) => b.price) }));
    p.gold('bidder_sessions', clean.keyBy((b) => b.bidder).window(session('3s')).aggregate({ bids: count(), auctions: countDistinct((b) => b.auction), lastPrice: last((b) => b.price) }));
    p.gold('cumulative', clean.keyBy((b) => b.auction % 3).window(cumulating('5s', '20s')).aggregate({ bids: count() }));
    p.gold('bids_with_auction', clean.intervalJoin(auctions, {
      leftKey: (b) => b.auction, rightKey: (a) => a.auction, before: '10s', after: '1s',
      select: (b, a) => ({ bidId: b.bidId, seller: a.seller }),
    }));
    const sellers = auctions.toTable({ key: (a) => a.auction, value: (a) => ({ category: a.category }) });
    p.gold('bids_by_category', clean.temporalJoin(sellers, { key: (b) => b.auction, select: (b, a) => ({ bidId: b.bidId, category: a?.category ?? -1 }) }));
    p.gold('auction_totals', byAuction.aggregate({ bids: count(), volume: sum((b) => b.price) }, { ttl: '20s' }));
    p.gold('running', byAuction.process({ ttl: '15s', init: () => ({ n: 0 }), onRecord: (s, b, emit) => { s.n++; if (s.n % 3 === 0) emit({ auction: b.auction, third: b.bidId }); } }));
  });
}

export type Step =
  | { readonly kind: 'send'; readonly source: 'bids' | 'auctions'; readonly partition: number; readonly value: Bid | Auction }
  | { readonly kind: 'time'; readonly ms: number };

/** A small deterministic PRNG (mulberry32), so the schedule is the same on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function schedule(seed: number, n: number): Step[] {
  const rnd = prng(seed);
  const steps: Step[] = [];
  let now = 0;
  for (let i = 0; i < n; i++) {
    now += Math.floor(rnd() * 40);
    if (rnd() < 0.1) {
      const auction = Math.floor(now / 500);
      steps.push({ kind: 'send', source: 'auctions', partition: auction % 2, value: { auction, seller: auction % 7, category: auction % 4, t: now } });
    }
    // Mostly within the 2 s disorder bound, sometimes far behind: those become late records.
    const lag = rnd() < 0.02 ? 4000 + Math.floor(rnd() * 8000) : Math.floor(rnd() * 1500);
    const bid: Bid = { bidId: `b${i}`, auction: Math.floor(Math.max(0, now - lag) / 500) - Math.floor(rnd() * 3), bidder: Math.floor(rnd() * 20), price: Math.floor(rnd() * 100) - 3, t: Math.max(0, now - lag) };
    steps.push({ kind: 'send', source: 'bids', partition: i % 3, value: bid });
    if (rnd() < 0.02) steps.push({ kind: 'send', source: 'bids', partition: i % 3, value: bid });
    if (rnd() < 0.01) steps.push({ kind: 'time', ms: 6000 });
    else steps.push({ kind: 'time', ms: 10 });
  }
  return steps;
}

export function run(driver: TestDriver, steps: readonly Step[]): void {
  for (const s of steps) {
    if (s.kind === 'time') driver.advanceTime(s.ms);
    else driver.input(s.source).send(s.value, { partition: s.partition });
  }
}
