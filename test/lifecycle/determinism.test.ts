import { describe, expect, it } from 'vitest';
import type { TestCa } from '../../server/ca/test-ca.js';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import { adminClient } from '../support/admin.js';
import { readCsr } from '../support/fixtures.js';
import { drawnDelay } from '../support/orders.js';
import { call, enrollXml, orderXml, type Auth } from '../support/soap.js';

/** One seed fixes order numbers, serials, delay draws and fault draws: two runs of the same requests match. */

interface Run {
  seed: string;
  orderNumbers: number[];
  serials: string[];
  /** certificate validity and every state change's time (fixed by a frozen clock started at a given instant) */
  times: string[];
  delays: number[];
  answers: string[];
}

const OTHER: Auth = { login: 'other-admin', password: 'other', customerLoginUri: 'other' };
const enrollOther = (mock: MockServer, email: string) =>
  call(
    mock.endpoint,
    'enroll',
    enrollXml({ auth: OTHER, orgId: 2001, secretKey: 'other-secret', email, csr: readCsr() }),
  );

// one CA for all runs: key generation is slow and the CA is not what the seed fixes
let ca: TestCa | undefined;

async function run(seed: string): Promise<Run> {
  const mock = await createMockServer({
    seed,
    delay: '1s-9s',
    clockStart: '2030-01-01T00:00:00Z',
    clockFrozen: true,
    ...(ca ? { ca } : {}),
  });
  ca = mock.ca;
  try {
    const admin = adminClient(mock.url);
    await admin('POST', '/admin/api/faults', [
      { customer: 'sandbox', operation: 'getCollectStatus', code: -14, rate: 0.4 },
      { customer: 'sandbox', operation: 'collect', transport: 'http503', rate: 0.25 },
    ]);
    const orderNumbers: number[] = [];
    const answers: string[] = [];
    for (let i = 0; i < 6; i++) {
      orderNumbers.push(
        (await call(mock.endpoint, 'enroll', enrollXml({ email: `seeded${i}@example.com`, csr: readCsr() }))).code,
      );
    }
    const delays = orderNumbers.map((n) => drawnDelay(mock, n));
    await admin('POST', '/admin/api/clock/advance', { by: '9s' });
    for (let round = 0; round < 4; round++) {
      for (const n of orderNumbers) {
        answers.push(`status ${(await call(mock.endpoint, 'getCollectStatus', orderXml(n))).code}`);
        const c = await call(mock.endpoint, 'collect', orderXml(n));
        answers.push(`collect ${c.status} ${c.code}`);
      }
    }
    const serials = orderNumbers.map((n) => mock.store.get(n)!.certificate!.serial);
    const times = orderNumbers.flatMap((n) => {
      const { certificate, history } = mock.admin.order(n);
      return [certificate!.notBefore, certificate!.notAfter, ...history.map((h) => h.at)];
    });
    return { seed: mock.seed, orderNumbers, serials, times, delays, answers };
  } finally {
    await mock.close();
  }
}

describe('seeded determinism', () => {
  it('two runs with the same seed (and a fixed clock) give the same order numbers, serials, delays, fault sequence and times', async () => {
    const first = await run('same-seed-42');
    const second = await run('same-seed-42');
    expect(second).toEqual(first);
    // the run exercised what it claims to: faults fired and did not fire, delays differ
    expect(first.answers).toContain('status -14');
    expect(first.answers).toContain('status 1');
    expect(first.answers).toContain('collect 503 NaN');
    expect(first.answers).toContain('collect 200 1');
    expect(new Set(first.delays).size).toBeGreaterThan(1);
    expect(first.times[0]).toBe('2030-01-01T00:00:09.000Z'); // issued when the clock was moved past the longest delay
    expect(new Set(first.serials).size).toBe(6);
    // drawn, not counted: distinct, and no two in a row
    expect(new Set(first.orderNumbers).size).toBe(6);
    expect(first.orderNumbers.some((n, i) => i > 0 && Math.abs(n - first.orderNumbers[i - 1]) === 1)).toBe(false);
  });

  it("one customer's reset restarts its fault draws (and only its own)", async () => {
    const rule = (customer: string) => ({ customer, operation: 'getCollectStatus', code: -14, rate: 0.5 });
    /** status codes of `count` polls of another customer's order: 1, or -14 when its rate rule fired */
    const otherPolls = async (target: MockServer, n: number, count: number) => {
      const codes: number[] = [];
      for (let i = 0; i < count; i++)
        codes.push((await call(target.endpoint, 'getCollectStatus', orderXml(n, OTHER))).code);
      return codes;
    };
    const mock = await createMockServer({ seed: 'customer-replay', ...(ca ? { ca } : {}) });
    try {
      mock.admin.queueFault(rule('other'));
      const theirs = (await enrollOther(mock, 'steady@other.example.net')).code;
      const otherBefore = await otherPolls(mock, theirs, 8);
      const pattern = async () => {
        mock.admin.queueFault(rule('sandbox'));
        const n = (await call(mock.endpoint, 'enroll', enrollXml({ email: 'replay@example.com', csr: readCsr() })))
          .code;
        const codes: number[] = [];
        for (let i = 0; i < 16; i++) codes.push((await call(mock.endpoint, 'getCollectStatus', orderXml(n))).code);
        return codes;
      };
      const first = await pattern();
      mock.admin.reset({ customer: 'sandbox' });
      expect(await pattern()).toEqual(first);
      expect(new Set(first)).toEqual(new Set([1, -14]));
      const otherAfter = await otherPolls(mock, theirs, 8);
      expect(mock.admin.faults('other')).toHaveLength(1); // sandbox's reset left other's rule queued

      // other's draws went on where they were, as if sandbox had never called or been reset
      const reference = await createMockServer({ seed: 'customer-replay', ca: mock.ca });
      try {
        reference.admin.queueFault(rule('other'));
        const n = (await enrollOther(reference, 'steady@other.example.net')).code;
        const alone = await otherPolls(reference, n, 16);
        expect([...otherBefore, ...otherAfter]).toEqual(alone);
        expect(new Set(alone)).toEqual(new Set([1, -14]));
      } finally {
        await reference.close();
      }
    } finally {
      await mock.close();
    }
  });

  it("one customer's range-delay draws are the same whether or not another customer enrolls in between", async () => {
    const sandboxDraws = async (interleaved: boolean) => {
      const mock = await createMockServer({ seed: 'delay-streams', delay: '1s-9s', ...(ca ? { ca } : {}) });
      ca = mock.ca;
      try {
        const drawn: number[] = [];
        for (let i = 0; i < 6; i++) {
          if (interleaved) expect((await enrollOther(mock, `between${i}@other.example.net`)).code).toBeGreaterThan(0);
          const n = (await call(mock.endpoint, 'enroll', enrollXml({ email: `a${i}@example.com`, csr: readCsr() })))
            .code;
          drawn.push(drawnDelay(mock, n));
        }
        return drawn;
      } finally {
        await mock.close();
      }
    };
    const alone = await sandboxDraws(false);
    expect(await sandboxDraws(true)).toEqual(alone);
    expect(new Set(alone).size).toBeGreaterThan(1);
  });

  it("one customer's reset starts its delay draws over, and not another's", async () => {
    const mock = await createMockServer({ seed: 'delay-reset', delay: '1s-9s', ...(ca ? { ca } : {}) });
    try {
      const sandbox = async () => {
        const drawn: number[] = [];
        for (let i = 0; i < 4; i++)
          drawn.push(
            drawnDelay(
              mock,
              (await call(mock.endpoint, 'enroll', enrollXml({ email: `d${i}@example.com`, csr: readCsr() }))).code,
            ),
          );
        return drawn;
      };
      const other = async (count: number) => {
        const drawn: number[] = [];
        for (let i = 0; i < count; i++)
          drawn.push(drawnDelay(mock, (await enrollOther(mock, `o${i}@other.example.net`)).code));
        return drawn;
      };
      const otherBefore = await other(2);
      const first = await sandbox();
      mock.admin.reset({ customer: 'sandbox' });
      expect(await sandbox()).toEqual(first);
      const otherAfter = await other(2);
      // other's stream went on where it was: a fresh run of its four enrollments draws the same four
      const reference = await createMockServer({ seed: 'delay-reset', delay: '1s-9s', ca: mock.ca });
      try {
        const all: number[] = [];
        for (let i = 0; i < 4; i++)
          all.push(drawnDelay(reference, (await enrollOther(reference, `o${i}@other.example.net`)).code));
        expect([...otherBefore, ...otherAfter]).toEqual(all);
      } finally {
        await reference.close();
      }
    } finally {
      await mock.close();
    }
  });

  it('another seed gives other numbers', async () => {
    const a = await run('seed-a');
    const b = await run('seed-b');
    expect(b.orderNumbers).not.toEqual(a.orderNumbers);
    expect(b.serials).not.toEqual(a.serials);
    expect(b.answers).not.toEqual(a.answers);
  });
});
