import { describe, expect, it } from 'vitest';
import { backoffDelays, sleep } from '../../client/wait.js';

/** The polling schedule: exponential growth, a ceiling, jitter within its bounds (a seeded random stands in for Math.random). */

const take = (next: () => number, n: number) => Array.from({ length: n }, () => next());

/** mulberry32: a small seeded PRNG, so the jitter test sees many different draws, the same ones every run */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('backoffDelays', () => {
  it('grows by the factor from the initial delay up to maxDelayMs, then stays there', () => {
    expect(take(backoffDelays({ initialDelayMs: 100, factor: 2, maxDelayMs: 1000, jitter: 0 }), 7)).toEqual([
      100, 200, 400, 800, 1000, 1000, 1000,
    ]);
    expect(take(backoffDelays({ initialDelayMs: 1000, factor: 1.5, maxDelayMs: 4000, jitter: 0 }), 5)).toEqual([
      1000, 1500, 2250, 3375, 4000,
    ]);
  });

  it('defaults: 1 s, growing 1.5x, capped at 30 s', () => {
    const middle = () => 0.5; // no jitter at the middle of the range
    expect(take(backoffDelays({}, middle), 3)).toEqual([1000, 1500, 2250]);
    expect(take(backoffDelays({}, middle), 12).slice(-2)).toEqual([30_000, 30_000]);
  });

  it('jitter spreads each delay within +-jitter of its base, never beyond', () => {
    const base = take(backoffDelays({ initialDelayMs: 1000, factor: 1.5, maxDelayMs: 30_000, jitter: 0 }), 200);
    const jittered = take(
      backoffDelays({ initialDelayMs: 1000, factor: 1.5, maxDelayMs: 30_000, jitter: 0.2 }, seeded(42)),
      200,
    );
    for (const [i, d] of jittered.entries()) {
      expect(d).toBeGreaterThanOrEqual(Math.floor(base[i] * 0.8));
      expect(d).toBeLessThanOrEqual(Math.ceil(base[i] * 1.2));
    }
    expect(new Set(jittered.slice(-50)).size).toBeGreaterThan(1); // it does spread
    // the ends of the range: random() = 0 gives the low bound, random() near 1 the high one
    expect(
      take(
        backoffDelays({ initialDelayMs: 1000, factor: 2, jitter: 0.1 }, () => 0),
        2,
      ),
    ).toEqual([900, 1800]);
    expect(
      take(
        backoffDelays({ initialDelayMs: 1000, factor: 2, jitter: 0.1 }, () => 0.999999),
        2,
      ),
    ).toEqual([1100, 2200]);
  });

  it('jitter does not compound: the next base grows from the base, not from the jittered delay', () => {
    expect(
      take(
        backoffDelays({ initialDelayMs: 100, factor: 2, maxDelayMs: 10_000, jitter: 0.5 }, () => 0),
        4,
      ),
    ).toEqual([50, 100, 200, 400]);
  });

  it('clamps nonsense: factor below 1, jitter outside 0..1, a ceiling below the start, a negative start', () => {
    expect(take(backoffDelays({ initialDelayMs: 100, factor: 0.5, jitter: 0 }), 3)).toEqual([100, 100, 100]);
    expect(
      take(
        backoffDelays({ initialDelayMs: 100, factor: 1, jitter: 5 }, () => 0),
        2,
      ),
    ).toEqual([0, 0]);
    expect(
      take(
        backoffDelays({ initialDelayMs: 100, factor: 1, jitter: -1 }, () => 0),
        2,
      ),
    ).toEqual([100, 100]);
    expect(take(backoffDelays({ initialDelayMs: 500, maxDelayMs: 100, factor: 2, jitter: 0 }), 3)).toEqual([
      500, 500, 500,
    ]);
    expect(take(backoffDelays({ initialDelayMs: -5, factor: 2, jitter: 0 }), 2)).toEqual([0, 0]);
  });
});

describe('sleep', () => {
  it('resolves; rejects with the reason of a signal that aborts first or already has', async () => {
    await expect(sleep(0)).resolves.toBeUndefined();
    const reason = new Error('stop');
    await expect(sleep(60_000, AbortSignal.abort(reason))).rejects.toBe(reason);
    const controller = new AbortController();
    const pending = sleep(60_000, controller.signal);
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it('rejects with an Error whatever the abort reason: the default AbortError, or a non-Error wrapped with it as cause', async () => {
    await expect(sleep(60_000, AbortSignal.abort())).rejects.toMatchObject({ name: 'AbortError' });
    const wrapped = await sleep(60_000, AbortSignal.abort('stop')).catch((err: unknown) => err);
    expect(wrapped).toBeInstanceOf(Error);
    expect(wrapped).toMatchObject({ message: 'aborted: stop', cause: 'stop' });
  });
});
