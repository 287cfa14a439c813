import { describe, expect, it } from 'vitest';
import { describeDelay, parseDelay, scriptOf, stepAfter } from '../../server/domain/lifecycle.js';
import { scriptTags } from '../../wsdl/script-tags.js';
import { SeededRandom } from '../../server/domain/random.js';

/** The delay notation (config delay, an organization's delay, `+delay<D>`, clock advances) and what a delay schedules. */

describe('parseDelay', () => {
  it.each([
    [0, { kind: 'fixed', ms: 0 }],
    [1500, { kind: 'fixed', ms: 1500 }],
    ['0', { kind: 'fixed', ms: 0 }],
    ['1500', { kind: 'fixed', ms: 1500 }],
    ['500ms', { kind: 'fixed', ms: 500 }],
    ['3s', { kind: 'fixed', ms: 3000 }],
    ['1.5s', { kind: 'fixed', ms: 1500 }],
    ['2m', { kind: 'fixed', ms: 120_000 }],
    ['2min', { kind: 'fixed', ms: 120_000 }],
    ['1h', { kind: 'fixed', ms: 3_600_000 }],
    ['400d', { kind: 'fixed', ms: 400 * 86_400_000 }],
    [' 3S ', { kind: 'fixed', ms: 3000 }],
    ['3 s', { kind: 'fixed', ms: 3000 }],
    ['2s-8s', { kind: 'range', minMs: 2000, maxMs: 8000 }],
    ['500ms-2s', { kind: 'range', minMs: 500, maxMs: 2000 }],
    ['2s - 8s', { kind: 'range', minMs: 2000, maxMs: 8000 }],
    ['1000-1000', { kind: 'range', minMs: 1000, maxMs: 1000 }],
    ['3polls', { kind: 'polls', polls: 3 }],
    ['3 polls', { kind: 'polls', polls: 3 }],
    ['1poll', { kind: 'polls', polls: 1 }],
    ['0polls', { kind: 'polls', polls: 0 }],
  ] as const)('%j', (text, spec) => {
    expect(parseDelay(text)).toEqual(spec);
  });

  it.each([
    -1,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    '',
    'soon',
    '-5s',
    '5x',
    '8s-2s',
    '1s-2s-3s',
    '2s-',
    '-',
    '1.5polls',
    'polls',
    '3s polls',
  ])('refuses %j', (text) => {
    expect(() => parseDelay(text)).toThrow(/invalid delay/);
  });

  it('names the notation in its message', () => {
    expect(() => parseDelay('soon')).toThrow('invalid delay "soon": use e.g. 0, 500ms, 3s, 2s-8s or 3polls');
    expect(() => parseDelay('8s-2s')).toThrow("the range's lower end is above its upper end");
  });
});

describe('describeDelay', () => {
  it('says what a delay is, as the admin API and the banner show it', () => {
    expect(describeDelay(parseDelay('0'))).toBe('instant');
    expect(describeDelay(parseDelay('3s'))).toBe('3000 ms');
    expect(describeDelay(parseDelay('2s-8s'))).toBe('2000-8000 ms');
    expect(describeDelay(parseDelay('3polls'))).toBe('3 status polls');
  });
});

describe('stepAfter', () => {
  const NOW = Date.parse('2030-01-01T00:00:00Z');

  it('fixed: due that long after now; polls: after that many polls, with no time', () => {
    const rng = new SeededRandom('steps').stream('delays/sandbox');
    expect(stepAfter('issued', parseDelay('3s'), NOW, rng)).toEqual({ to: 'issued', at: NOW + 3000 });
    expect(stepAfter('rejected', parseDelay('2polls'), NOW, rng)).toEqual({ to: 'rejected', afterPolls: 2 });
  });

  it('range: drawn from the stream, inside the range (both ends included), the same for the same seed', () => {
    const draws = (seed: string) => {
      const rng = new SeededRandom(seed).stream('delays/sandbox');
      return Array.from({ length: 200 }, () => stepAfter('issued', parseDelay('2s-2010ms'), NOW, rng).at! - NOW);
    };
    const first = draws('range');
    expect(draws('range')).toEqual(first);
    expect(draws('another')).not.toEqual(first);
    for (const d of first) expect(d >= 2000 && d <= 2010).toBe(true);
    expect(new Set(first)).toEqual(new Set(Array.from({ length: 11 }, (_, i) => 2000 + i)));
  });
});

describe('+delay<D> in the enroll email', () => {
  it('takes the whole notation: fixed, range and polls', () => {
    expect(scriptOf(scriptTags('alice+delay30s@example.com')).delay).toEqual({ kind: 'fixed', ms: 30_000 });
    expect(scriptOf(scriptTags('alice+delay2s-8s@example.com')).delay).toEqual({
      kind: 'range',
      minMs: 2000,
      maxMs: 8000,
    });
    expect(scriptOf(scriptTags('alice+DELAY5polls@example.com')).delay).toEqual({ kind: 'polls', polls: 5 });
  });

  it('something that is not a delay is plain plus-addressing', () => {
    expect(scriptOf(scriptTags('alice+delaysoon@example.com')).delay).toBeUndefined();
    expect(scriptOf(scriptTags('alice+delay8s-2s@example.com')).delay).toBeUndefined();
    expect(scriptTags('alice+delayed!@example.com')).toEqual([]);
  });
});
