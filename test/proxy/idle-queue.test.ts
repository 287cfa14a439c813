import { describe, expect, it } from 'vitest';
import { IdleQueue } from '../../server/proxy/idle-queue.js';

/** Answered exchanges are observed once none is in flight, in arrival order, one per turn; the queue is bounded. */

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await turn();
};

function queue(maxItems = 100, maxBytes = 1_000_000) {
  const observed: string[] = [];
  const q = new IdleQueue<string>({ observe: (s) => observed.push(s), sizeOf: (s) => s.length, maxItems, maxBytes });
  return { q, observed };
}

describe('IdleQueue (observing exchanges once the proxy is idle)', () => {
  it('holds observations while an exchange is in flight, then observes them in arrival order', async () => {
    const { q, observed } = queue();
    q.started();
    q.add('a');
    q.add('b');
    await turns(5);
    expect(observed).toEqual([]);
    expect(q.pending).toBe(2);
    q.ended();
    await turns(5);
    expect(observed).toEqual(['a', 'b']);
    expect(q.pending).toBe(0);
  });

  it('observes one per turn of the event loop, and stops while a new exchange is in flight', async () => {
    const { q, observed } = queue();
    for (const s of ['a', 'b', 'c']) q.add(s);
    await turn();
    expect(observed).toEqual(['a']);
    q.started();
    await turns(5);
    expect(observed).toEqual(['a']);
    q.ended();
    await turns(5);
    expect(observed).toEqual(['a', 'b', 'c']);
  });

  it('past maxItems waiting, the oldest are observed on the next turn, in flight or not', async () => {
    const { q, observed } = queue(3);
    q.started();
    for (const s of ['a', 'b', 'c', 'd', 'e']) q.add(s);
    expect(observed).toEqual([]);
    await turns(3);
    expect(observed).toEqual(['a', 'b']);
    expect(q.pending).toBe(3);
  });

  it('past maxBytes waiting, the oldest are observed on the next turn (one larger than the bound too)', async () => {
    const { q, observed } = queue(100, 10);
    q.started();
    q.add('aaaa');
    q.add('bbbb');
    await turns(3);
    expect(observed).toEqual([]);
    q.add('cccc');
    await turns(3);
    expect(observed).toEqual(['aaaa']);
    q.add('x'.repeat(11));
    await turns(3);
    expect(observed).toEqual(['aaaa', 'bbbb', 'cccc', 'x'.repeat(11)]);
    expect(q.pending).toBe(0);
  });

  it('drained() resolves once everything is observed, even with an exchange in flight; drainNow() observes at once', async () => {
    const { q, observed } = queue();
    await q.drained();
    q.started();
    q.add('a');
    q.add('b');
    await q.drained();
    expect(observed).toEqual(['a', 'b']);
    q.add('c');
    q.add('d');
    q.drainNow();
    expect(observed).toEqual(['a', 'b', 'c', 'd']);
  });
});
