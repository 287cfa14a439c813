import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import { adminClient } from '../support/admin.js';
import { readCsr } from '../support/fixtures.js';
import { call, enrollXml, orderXml, xmlEl, type Auth } from '../support/soap.js';

/**
 * Two test suites share one mock, as parallel CI jobs would: one (customer "sandbox") drowns its own calls
 * in faults, the other (customer "other") runs its lifecycle at the same time and never notices.
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
    const e = await call(mock.endpoint, 'enroll', enrollXml({ auth: SANDBOX, email: `noisy${i}@example.com`, csr: readCsr() }));
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

/** The suite that only wants clean answers. */
async function quietSuite(): Promise<number[]> {
  const codes: number[] = [];
  for (let i = 0; i < 15; i++) {
    const n = (await call(mock.endpoint, 'enroll', enrollXml({ auth: OTHER, orgId: 2001, secretKey: 'other-secret', email: `quiet${i}@other.example`, csr: readCsr() }))).code;
    expect(n).toBeGreaterThan(0);
    codes.push((await call(mock.endpoint, 'getCollectStatus', orderXml(n, OTHER))).code);
    codes.push((await call(mock.endpoint, 'collect', orderXml(n, OTHER))).code);
    codes.push((await call(mock.endpoint, 'revoke', orderXml(n, OTHER, xmlEl('reason', 'done')))).code);
  }
  return codes;
}

describe('faults scoped to a customer', () => {
  it("never touch another customer's calls, with both suites running at once", async () => {
    const [noisy, quiet] = await Promise.all([noisySuite(), quietSuite()]);
    expect(quiet).toEqual(Array.from({ length: 15 }, () => [1, 1, 0]).flat());
    expect(noisy.transportFailures).toBe(5);
    expect(noisy.codes.filter((c) => c === -14).length).toBeGreaterThanOrEqual(10);
    const journal = mock.admin.journal({ customer: 'other', limit: 1000 });
    expect(journal).toHaveLength(60);
    expect(journal.every((e) => e.fault === undefined && e.httpStatus === 200)).toBe(true);
    const left = mock.admin.faults();
    expect(left.every((f) => f.customer === 'sandbox')).toBe(true);
    expect(left.find((f) => f.code === -14 && f.operation === 'getCollectStatus')).toBeUndefined(); // all ten used by sandbox
  });
});
