import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import { adminClient } from '../support/admin.js';
import { readCsr } from '../support/fixtures.js';
import { call, enrollXml, orderXml, xmlEl, type Auth } from '../support/soap.js';

/**
 * Two test suites share one mock, as parallel CI jobs would: one (customer "sandbox") drowns its own calls
 * in faults, the other (customer "other") runs its lifecycle at the same time, with a few faults of its own
 * at a rate, and gets exactly what it gets when it runs alone.
 */

let mock: MockServer;
beforeAll(async () => {
  mock = await createMockServer({ seed: 'isolation' });
});
afterAll(() => mock.close());

const SANDBOX: Auth = { login: 'admin', password: 'sandbox', customerLoginUri: 'sandbox' };
const OTHER: Auth = { login: 'other-admin', password: 'other', customerLoginUri: 'other' };

/** The suite that injects: every fault it queued must land on its own calls. */
async function noisySuite(): Promise<{ codes: number[]; transportFailures: number }> {
  const admin = adminClient(mock.url);
  await admin('POST', '/admin/api/faults', [
    { customer: 'sandbox', operation: 'getCollectStatus', code: -14, count: 10 },
    { customer: 'sandbox', operation: 'collect', transport: 'reset', count: 5 },
    { customer: 'sandbox', code: -14, rate: 0.5 },
  ]);
  const codes: number[] = [];
  let transportFailures = 0;
  for (let i = 0; i < 15; i++) {
    const e = await call(
      mock.endpoint,
      'enroll',
      enrollXml({ auth: SANDBOX, email: `noisy${i}@example.com`, csr: readCsr() }),
    );
    codes.push(e.code);
    const n = e.code > 0 ? e.code : 1;
    codes.push((await call(mock.endpoint, 'getCollectStatus', orderXml(n, SANDBOX))).code);
    try {
      codes.push((await call(mock.endpoint, 'collect', orderXml(n, SANDBOX))).code);
    } catch {
      transportFailures++;
    }
  }
  return { codes, transportFailures };
}

/** The quiet suite's own faults: some of its status polls answer -14, drawn from its own seeded stream. */
const QUIET_FAULT = { customer: 'other', operation: 'getCollectStatus', code: -14, rate: 0.3 } as const;

/** The suite that wants its own answers only (its rate fault queued beforehand). */
async function quietSuite(target: MockServer): Promise<number[]> {
  const codes: number[] = [];
  for (let i = 0; i < 15; i++) {
    const n = (
      await call(
        target.endpoint,
        'enroll',
        enrollXml({
          auth: OTHER,
          orgId: 2001,
          secretKey: 'other-secret',
          email: `quiet${i}@other.example.net`,
          csr: readCsr(),
        }),
      )
    ).code;
    expect(n).toBeGreaterThan(0);
    codes.push((await call(target.endpoint, 'getCollectStatus', orderXml(n, OTHER))).code);
    codes.push((await call(target.endpoint, 'collect', orderXml(n, OTHER))).code);
    codes.push((await call(target.endpoint, 'revoke', orderXml(n, OTHER, xmlEl('reason', 'done')))).code);
  }
  return codes;
}

/** The quiet suite alone on a mock of its own with the same seed: what it must also get when sharing. */
async function soloQuietRun(): Promise<number[]> {
  const solo = await createMockServer({ seed: 'isolation', ca: mock.ca });
  try {
    solo.admin.queueFault(QUIET_FAULT);
    return await quietSuite(solo);
  } finally {
    await solo.close();
  }
}

describe('faults scoped to a customer', () => {
  it("never touch another customer's calls or shift its fault draws, with both suites running at once", async () => {
    mock.admin.queueFault(QUIET_FAULT);
    const [noisy, quiet] = await Promise.all([noisySuite(), quietSuite(mock)]);
    // the quiet suite's fault draws are its own: sharing the mock with the noisy suite shifted none of them
    expect(quiet).toEqual(await soloQuietRun());
    const polls = quiet.filter((_, i) => i % 3 === 0);
    expect(new Set(polls)).toEqual(new Set([1, -14]));
    expect(quiet.filter((_, i) => i % 3 !== 0)).toEqual(Array.from({ length: 15 }, () => [1, 0]).flat());
    expect(noisy.transportFailures).toBe(5);
    expect(noisy.codes.filter((c) => c === -14).length).toBeGreaterThanOrEqual(10);
    const journal = mock.admin.journal({ customer: 'other', limit: 1000 });
    expect(journal).toHaveLength(60);
    expect(journal.every((e) => e.fault === undefined && e.httpStatus === 200)).toBe(true);
    const left = mock.admin.faults();
    expect(left.filter((f) => f.customer === 'other')).toEqual([
      expect.objectContaining({ ...QUIET_FAULT, seen: 15, fired: polls.filter((c) => c === -14).length }),
    ]);
    expect(
      left.find((f) => f.customer === 'sandbox' && f.code === -14 && f.operation === 'getCollectStatus'),
    ).toBeUndefined(); // all ten used by sandbox
  });
});
