import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { FollowListener, HistoryEntry, HistoryStore, Position, Retention } from './types.js';

/** The namespaces every contract run configures. */
export const CONTRACT_RETENTION: ReadonlyMap<string, Retention> = new Map([
  ['h', { size: 1000, ttlMs: 60_000 }],
  ['small', { size: 5, ttlMs: 60_000 }],
  ['aged', { size: 1000, ttlMs: 700 }],
  ['other', { size: 1000, ttlMs: 60_000 }],
]);

/** What a store's test gives the contract suite. */
export interface ContractSetup {
  /** Two instances on the same data, as two nodes have (the same instance twice for a store of one process). */
  readonly stores: readonly [HistoryStore, HistoryStore];
  /** Loses a namespace's history as the store can (a restart, deleted keys, a deleted stream); undefined: the case is skipped. */
  readonly reset?: (namespace: string) => Promise<void>;
  close(): Promise<void>;
}

/**
 * The contract of `HistoryStore` (types.ts), run against every store: offsets, reads, retention by
 * size and by age, following with no gap and no duplicate, epochs. `make` is called once; it
 * returns undefined (and the suite skips, saying why) when the store's service is not there.
 */
export function historyStoreContract(name: string, make: () => Promise<ContractSetup | { skip: string }>): void {
  describe(`HistoryStore contract: ${name}`, () => {
    let setup: ContractSetup | undefined;
    let skip: string | undefined;
    before(async () => {
      const made = await make();
      if ('skip' in made) skip = made.skip;
      else setup = made;
    });
    after(() => setup?.close());
    const test = (title: string, body: (s: ContractSetup) => Promise<void>): void => {
      it(title, async (t) => {
        if (setup === undefined) return t.skip(skip ?? 'store not started');
        await body(setup);
      });
    };

    test('gives each event of a namespace the next offset, in order, whatever its channel; namespaces count apart', async ({ stores: [a, b] }) => {
      const first = await a.append('h', message('/h/x', 'x1', 'x2'));
      const second = await b.append('h', message('/h/y', 'y1'));
      const third = await a.append('h', message('/h/x/deep', 'z1'));
      assert.equal(first.epoch, second.epoch);
      assert.deepEqual([second.offset - first.offset, third.offset - second.offset], [1, 1]);
      const slice = await b.read('h', { after: first.offset - 2, limit: 10 });
      assert.deepEqual(slice.events.map((e) => [e.offset, e.channel, JSON.parse(e.payload)]), [
        [first.offset - 1, '/h/x', 'x1'],
        [first.offset, '/h/x', 'x2'],
        [second.offset, '/h/y', 'y1'],
        [third.offset, '/h/x/deep', 'z1'],
      ]);
      assert.equal(slice.top, third.offset);
      assert.equal(slice.more, false);
      const other = await a.append('other', message('/other/x', 'o'));
      assert.equal(other.offset, 1, 'another namespace starts at 1');
    });

    test('reads pages (after, limit, more, through), filters by channel and wildcard, and reads the newest events', async ({ stores: [a] }) => {
      const base = (await a.read('h', { limit: 1 })).top;
      for (let i = 0; i < 6; i++) await a.append('h', message(i % 2 === 0 ? '/h/even' : '/h/odd/n', `e${i}`));
      const page1 = await a.read('h', { after: base, limit: 4 });
      assert.deepEqual(page1.events.map((e) => JSON.parse(e.payload)), ['e0', 'e1', 'e2', 'e3']);
      assert.equal(page1.more, true);
      const page2 = await a.read('h', { after: page1.events[3]!.offset, limit: 4 });
      assert.deepEqual(page2.events.map((e) => JSON.parse(e.payload)), ['e4', 'e5']);
      assert.equal(page2.more, false);
      const through = await a.read('h', { after: base, through: base + 3, limit: 10 });
      assert.deepEqual(through.events.map((e) => JSON.parse(e.payload)), ['e0', 'e1', 'e2']);
      const exact = await a.read('h', { after: base, limit: 10, match: '/h/even' });
      assert.deepEqual(exact.events.map((e) => JSON.parse(e.payload)), ['e0', 'e2', 'e4']);
      const wild = await a.read('h', { after: base, limit: 2, match: '/h/odd/*' });
      assert.deepEqual(wild.events.map((e) => JSON.parse(e.payload)), ['e1', 'e3']);
      assert.equal(wild.more, true);
      const newest = await a.read('h', { limit: 2, match: '/h/even' });
      assert.deepEqual(newest.events.map((e) => JSON.parse(e.payload)), ['e2', 'e4'], 'the newest two, oldest first');
      assert.deepEqual((await a.read('h', { limit: 3 })).events.map((e) => JSON.parse(e.payload)), ['e3', 'e4', 'e5']);
    });

    test('retention by size: keeps the newest `size` events; floor says where what is gone ends', async ({ stores: [a, b] }) => {
      for (let i = 0; i < 8; i++) await a.append('small', message('/small/c', i));
      const slice = await b.read('small', { after: 0, limit: 100 });
      assert.deepEqual(slice.events.map((e) => JSON.parse(e.payload)), [3, 4, 5, 6, 7]);
      assert.equal(slice.floor, slice.top - 5);
      assert.deepEqual((await b.read('small', { limit: 100 })).events.length, 5);
    });

    test('retention by age: an event older than ttlMs is never read again', async ({ stores: [a, b] }) => {
      await a.append('aged', message('/aged/c', 'old1', 'old2'));
      await waitFor(async () => (await b.read('aged', { after: 0, limit: 10 })).events.length === 0, 'the old events to expire', 5000);
      const fresh = await a.append('aged', message('/aged/c', 'new'));
      const slice = await b.read('aged', { after: 0, limit: 10 });
      assert.deepEqual(slice.events.map((e) => JSON.parse(e.payload)), ['new']);
      assert.equal(slice.floor, fresh.offset - 1, 'everything below the fresh event is gone');
    });

    test('a follow from the top gets every later event of every node once, in offset order', async ({ stores: [a, b] }) => {
      const got = collector();
      const { position, unfollow } = await b.follow('h', undefined, got.listener);
      try {
        const appends: Promise<Position>[] = [];
        for (let i = 0; i < 20; i++) appends.push((i % 2 === 0 ? a : b).append('h', message(`/h/f${i % 3}`, `f${i}`, `g${i}`)));
        const last = Math.max(...(await Promise.all(appends)).map((p) => p.offset));
        await waitFor(() => got.offsets.at(-1) === last, 'every event followed');
        assert.deepEqual(got.offsets, range(position.offset + 1, last), 'each offset once, in order');
        const stored = await a.read('h', { after: position.offset, limit: 100 });
        assert.deepEqual(got.entries.map((e) => e.payload), stored.events.map((e) => e.payload), 'the same events as a read');
        assert.deepEqual(got.resets, []);
      } finally {
        unfollow();
      }
    });

    test('a follow from an earlier position gets the events after it, then live ones, with no gap or duplicate at the seam', async ({ stores: [a, b] }) => {
      for (let round = 0; round < 5; round++) {
        const start = await a.append('h', message('/h/seam', 'before'));
        await a.append('h', message('/h/seam', 'missed1', 'missed2'));
        const got = collector();
        // Appends race the follow's start.
        const racing = Promise.all([a.append('h', message('/h/seam', 'race1')), b.append('h', message('/h/seam', 'race2'))]);
        const { unfollow } = await b.follow('h', start, got.listener);
        const last = Math.max(...(await racing).map((p) => p.offset), (await a.append('h', message('/h/seam', 'live'))).offset);
        await waitFor(() => got.offsets.at(-1) === last, 'the live event');
        unfollow();
        assert.deepEqual(got.offsets, range(start.offset + 1, last), `round ${round}`);
      }
    });

    test('a follow from a position of another epoch is reset, and goes on in the current epoch', async ({ stores: [a, b] }) => {
      const current = await a.append('h', message('/h/e', 1));
      const got = collector();
      const { unfollow } = await b.follow('h', { epoch: 'not-this-one', offset: 3 }, got.listener);
      try {
        assert.equal(got.resets.length, 1);
        assert.equal(got.resets[0]!.epoch, current.epoch);
        const next = await a.append('h', message('/h/e', 2));
        await waitFor(() => got.offsets.includes(next.offset), 'the next event');
      } finally {
        unfollow();
      }
    });

    test('a lost history has a new epoch, and followers are told', async (s) => {
      if (s.reset === undefined) return;
      const [a, b] = s.stores;
      const before = await a.append('other', message('/other/r', 'before'));
      const got = collector();
      const { unfollow } = await b.follow('other', undefined, got.listener);
      try {
        await s.reset('other');
        const after = await a.append('other', message('/other/r', 'after'));
        assert.notEqual(after.epoch, before.epoch);
        await waitFor(() => got.resets.length > 0, 'the reset', 8000);
        assert.equal(got.resets[0]!.epoch, after.epoch);
        await waitFor(() => got.entries.some((e) => e.payload === JSON.stringify('after')), 'the event of the new epoch', 8000);
      } finally {
        unfollow();
      }
    });
  });
}

/** A message of JSON events for `channel`. */
export function message(channel: string, ...events: unknown[]): { channel: string; events: { id: string; payload: string }[] } {
  return { channel, events: events.map((e) => ({ id: randomUUID(), payload: JSON.stringify(e) })) };
}

function collector(): { listener: FollowListener; entries: HistoryEntry[]; offsets: number[]; resets: Position[] } {
  const entries: HistoryEntry[] = [];
  const resets: Position[] = [];
  return {
    entries,
    resets,
    get offsets() {
      return entries.map((e) => e.offset);
    },
    listener: { events: (batch) => void entries.push(...batch), reset: (position) => void resets.push(position) },
  };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
