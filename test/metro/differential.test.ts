import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpus } from './corpus.js';
import { DEVIATIONS, documentedDeviations } from './deviations.js';
import { differences, type Difference } from './differ.js';
import { exchange } from './exchange.js';
import { PROFILES, PUBLIC_BASE, prepare, startPair, type OraclePair } from './oracle.js';

/**
 * Differential wire tests: every corpus request goes to ccm-mock and to Metro (JAX-WS RI 2.3.0.2 serving
 * the same WSDL, in front of a twin mock), for each wire profile. Status, Content-Type and body must be
 * identical (differ.ts says what is normalised), except for the deliberate deviations in deviations.ts,
 * which must still differ (so that list stays true).
 */

const CASES = corpus();

const show = (diffs: Difference[], parsed: string | string[] | undefined) =>
  diffs.map((d) => `${d.what}\n  mock : ${d.mock}\n  metro: ${d.metro}`).join('\n') +
  `\n(what JAXB parsed: ${String(parsed ?? '-')})`;

const DOCUMENTED = documentedDeviations();

it('the corpus holds at least 100 requests, each named once, and every deviation names one of them', () => {
  expect(CASES.length).toBeGreaterThanOrEqual(100);
  const names = CASES.map((c) => `[${c.group}] ${c.name}`);
  expect(new Set(names).size).toBe(names.length);
  for (const name of Object.keys(DEVIATIONS)) expect(names).toContain(name);
});

it("every tolerated deviation is a row of docs/wire-fidelity.md's table that names its case, and no other", () => {
  for (const [name, { row }] of Object.entries(DEVIATIONS))
    expect(DOCUMENTED.get(row)?.cases, `${name}: its docs row "${row}"`).toContain(name);
  const named = [...DOCUMENTED.values()].flatMap((d) => d.cases).sort();
  expect(named).toEqual(Object.keys(DEVIATIONS).sort());
});

/** what the run compared, printed at the end: the numbers docs/wire-fidelity.md quotes */
const tally = { compared: 0, identical: 0, deviations: 0 };
afterAll(() => {
  console.log(
    `differential: ${tally.compared} answers compared, ${tally.identical} identical, ${tally.deviations} documented deviations`,
  );
});

for (const profile of PROFILES) {
  describe(`Metro as the oracle (${profile.name})`, () => {
    let pair: OraclePair;
    beforeAll(async () => {
      pair = await startPair(profile);
    });

    it('runs on the Metro docs/wire-fidelity.md names: JAX-WS RI 2.3.0.2', () => {
      expect(pair.runtime).toMatch(/^JAX-WS RI 2\.3\.0\.2 .*; Java \d+/);
    });
    afterAll(async () => {
      await pair?.close();
    });

    for (const c of CASES) {
      const name = `[${c.group}] ${c.name}`;
      it(name, async () => {
        const state = await prepare(pair, profile.namespace);
        const req = c.request({ namespace: profile.namespace, ...state });
        const mock = await exchange(pair.mock.url, req);
        const metro = await exchange(pair.oracleBase, req);
        const diffs = differences({ reply: mock, base: PUBLIC_BASE }, { reply: metro, base: pair.oracleBase });
        const deviation = DEVIATIONS[name];
        tally.compared++;
        if (deviation) {
          const why = DOCUMENTED.get(deviation.row)?.why;
          expect(diffs, `a documented deviation that no longer differs: ${why}`).not.toEqual([]);
          deviation.holds?.(mock, metro);
          tally.deviations++;
        } else {
          expect(diffs, show(diffs, metro.headers['x-oracle-parsed'])).toEqual([]);
          tally.identical++;
        }
      });
    }
  });
}
