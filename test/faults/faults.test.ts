import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import {
  adminClient,
  type AdminErrorBody,
  type FaultView,
  type JournalEntry,
  type OrderSummary,
} from '../support/admin.js';
import { readCsr } from '../support/fixtures.js';
import { authXml, call, enrollXml, orderXml, SANDBOX, xmlEl } from '../support/soap.js';

/** Fault injection through POST/GET/DELETE /admin/api/faults, as a SOAP client meets it. */

let mock: MockServer;
let admin: ReturnType<typeof adminClient>;
beforeAll(async () => {
  mock = await createMockServer({ seed: 'faults', faultHangLimitMs: 300 });
  admin = adminClient(mock.url);
});
afterAll(() => mock.close());
afterEach(async () => {
  await admin('DELETE', '/admin/api/faults');
});

async function enroll(email = 'faults@example.com'): Promise<number> {
  const answer = await call(mock.endpoint, 'enroll', enrollXml({ email, csr: readCsr() }));
  expect(answer.code).toBeGreaterThan(0);
  return answer.code;
}
const status = async (n: number) => (await call(mock.endpoint, 'getCollectStatus', orderXml(n))).code;
const queue = async (spec: object) => {
  const res = await admin<FaultView>('POST', '/admin/api/faults', spec);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
};

describe('status-code faults', () => {
  it('the next N calls of an operation answer the code, then normal service resumes', async () => {
    const n = await enroll();
    await queue({ customer: 'sandbox', operation: 'getCollectStatus', code: -14, count: 2 });
    expect((await admin<FaultView[]>('GET', '/admin/api/faults')).body[0]).toMatchObject({
      customer: 'sandbox',
      operation: 'getCollectStatus',
      code: -14,
      remaining: 2,
      fired: 0,
    });
    expect((await call(mock.endpoint, 'collect', orderXml(n))).code).toBe(1); // another operation: untouched
    expect(await status(n)).toBe(-14);
    expect(await status(n)).toBe(-14);
    expect(await status(n)).toBe(1);
    expect((await admin('GET', '/admin/api/faults')).body).toEqual([]);
  });

  it('any catalog code, e.g. -16 on revoke or -100 on enroll; the answer stays schema-valid', async () => {
    const n = await enroll();
    await queue({ customer: 'sandbox', operation: 'revoke', code: -16 });
    const answer = await call(mock.endpoint, 'revoke', orderXml(n, SANDBOX, xmlEl('reason', '')));
    expect(answer.code).toBe(-16);
    expect(answer.schemaProblems).toEqual([]);
    expect(mock.store.get(n)!.state).toBe('issued'); // the call never reached the order
    await queue({ customer: 'sandbox', operation: 'enroll', code: -100 });
    expect((await call(mock.endpoint, 'enroll', enrollXml({ csr: readCsr() }))).code).toBe(-100);
  });

  it('without an operation, a code applies to the next calls of the operations that can answer it', async () => {
    const n = await enroll();
    await queue({ customer: 'sandbox', code: -22, count: 1 });
    await call(mock.endpoint, 'getKUTemplates', authXml()); // never answers -22: not consumed
    expect(await status(n)).toBe(1); // getCollectStatus does not answer -22 either
    expect((await call(mock.endpoint, 'collect', orderXml(n))).code).toBe(-22);
    await queue({ customer: 'sandbox', code: -14, count: 1 });
    expect((await call(mock.endpoint, 'enroll', enrollXml({ csr: readCsr() }))).code).toBe(-14);
  });

  it('faults come after authentication: a wrong password still gets -100', async () => {
    const n = await enroll();
    await queue({ customer: 'sandbox', code: -14 });
    expect((await call(mock.endpoint, 'getCollectStatus', orderXml(n, { ...SANDBOX, password: 'nope' }))).code).toBe(
      -100,
    );
    expect(await status(n)).toBe(-14);
  });

  it('400 for a spec that cannot be meant', async () => {
    const bad = [
      [{ operation: 'collect', code: -14 }, /customer .* required/],
      [{ customer: 'nobody', code: -14 }, /not in the accounts fixture/],
      [{ customer: 'sandbox', code: -999 }, /not a status code of the catalog/],
      [{ customer: 'sandbox', operation: 'enroll', code: -22 }, /enroll never answers -22/],
      [{ customer: 'sandbox', operation: 'fetch', code: -14 }, /operation must be one of/],
      [{ customer: 'sandbox' }, /exactly one of code .* or transport/],
      [{ customer: 'sandbox', code: -14, transport: 'reset' }, /exactly one/],
      [
        { customer: 'sandbox', transport: 'explode' },
        /transport must be one of reset, empty, malformed, hang, http500, http503, soap-fault/,
      ],
      [{ customer: 'sandbox', transport: 'hang', hangMs: 301 }, /above the limit of 300/],
      [{ customer: 'sandbox', transport: 'reset', hangMs: 10 }, /hangMs applies to transport "hang" only/],
      [{ customer: 'sandbox', code: -14, rate: 1.5 }, /0 < rate <= 1/],
      [{ customer: 'sandbox', code: -14, count: 0 }, /count must be/],
      [{ customer: 'sandbox', code: -14, after: true }, /transport faults only/],
      [{ customer: 'sandbox', code: -14, color: 'red' }, /unknown field\(s\) color/],
    ] as const;
    for (const [spec, message] of bad) {
      const res = await admin<AdminErrorBody>('POST', '/admin/api/faults', spec);
      expect(res.status, JSON.stringify(spec)).toBe(400);
      expect(res.body.error).toMatch(message);
    }
  });

  it("GET ?customer= lists one customer's; DELETE clears by id, by customer, or all", async () => {
    const a = await queue({ customer: 'sandbox', code: -14, count: 9 });
    await queue({ customer: 'sandbox', transport: 'empty', count: 9 });
    await queue({ customer: 'other', code: -14, count: 9 });
    expect((await admin('GET', '/admin/api/faults?customer=other')).body).toHaveLength(1);
    expect((await admin('DELETE', `/admin/api/faults?id=${a.id}`)).body).toEqual({ cleared: 1 });
    expect((await admin('DELETE', '/admin/api/faults?customer=sandbox')).body).toEqual({ cleared: 1 });
    expect((await admin<FaultView[]>('GET', '/admin/api/faults')).body.map((f) => f.customer)).toEqual(['other']);
    expect((await admin('DELETE', '/admin/api/faults')).body).toEqual({ cleared: 1 });
  });

  it('POST takes an array of specs to queue at once', async () => {
    const res = await admin('POST', '/admin/api/faults', [
      { customer: 'sandbox', operation: 'collect', code: -14 },
      { customer: 'sandbox', operation: 'collect', code: -21 },
    ]);
    expect(res.status).toBe(201);
    expect(res.body).toHaveLength(2);
    const n = await enroll();
    expect((await call(mock.endpoint, 'collect', orderXml(n))).code).toBe(-14);
    expect((await call(mock.endpoint, 'collect', orderXml(n))).code).toBe(-21);
    expect((await call(mock.endpoint, 'collect', orderXml(n))).code).toBe(1);
  });
});

describe('transport faults', () => {
  it('reset: the connection is reset without an answer', async () => {
    await queue({ customer: 'sandbox', operation: 'getWebServiceInfo', transport: 'reset' });
    // getWebServiceInfo has no authData: the rule cannot know the customer, so it never fires there
    expect((await call(mock.endpoint, 'getWebServiceInfo')).status).toBe(200);
    await admin('DELETE', '/admin/api/faults');
    await queue({ customer: 'sandbox', operation: 'getKUTemplates', transport: 'reset' });
    const err = await call(mock.endpoint, 'getKUTemplates', authXml()).catch(
      (e: Error & { cause?: { code?: string } }) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect((err as Error & { cause?: { code?: string } }).cause?.code).toBe('ECONNRESET');
    expect((await call(mock.endpoint, 'getKUTemplates', authXml())).status).toBe(200);
    const entry = (await admin<JournalEntry[]>('GET', '/admin/api/journal?operation=getKUTemplates&limit=2')).body[0];
    expect(entry).toMatchObject({ fault: 'injected reset', httpStatus: 0 });
  });

  it('only a call whose authData authenticates meets one: a wrong password gets -100 and leaves it queued', async () => {
    const n = await enroll();
    await queue({ customer: 'sandbox', operation: 'getCollectStatus', transport: 'reset' });
    const wrongPassword = await call(mock.endpoint, 'getCollectStatus', orderXml(n, { ...SANDBOX, password: 'nope' }));
    expect(wrongPassword).toMatchObject({ status: 200, code: -100 });
    // another customer's admin naming sandbox: not sandbox's call either
    const otherAdmin = await call(
      mock.endpoint,
      'getCollectStatus',
      orderXml(n, { login: 'other-admin', password: 'other', customerLoginUri: 'sandbox' }),
    );
    expect(otherAdmin).toMatchObject({ status: 200, code: -100 });
    expect((await admin('GET', '/admin/api/faults')).body).toEqual([
      expect.objectContaining({ transport: 'reset', remaining: 1, fired: 0, seen: 0 }),
    ]);
    const err = await call(mock.endpoint, 'getCollectStatus', orderXml(n)).catch(
      (e: Error & { cause?: { code?: string } }) => e,
    );
    expect((err as Error & { cause?: { code?: string } }).cause?.code).toBe('ECONNRESET');
    expect(await status(n)).toBe(1);
  });

  it('empty: HTTP 200 text/xml with no body', async () => {
    const n = await enroll();
    await queue({ customer: 'sandbox', operation: 'collect', transport: 'empty' });
    const answer = await call(mock.endpoint, 'collect', orderXml(n));
    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe('text/xml;charset=utf-8');
    expect(answer.text).toBe('');
  });

  it('malformed: an envelope cut off in the middle', async () => {
    const n = await enroll();
    await queue({ customer: 'sandbox', operation: 'collect', transport: 'malformed' });
    const answer = await call(mock.endpoint, 'collect', orderXml(n));
    expect(answer.status).toBe(200);
    expect(answer.text.startsWith("<?xml version='1.0' encoding='UTF-8'?><S:Envelope")).toBe(true);
    expect(answer.schemaProblems.length).toBeGreaterThan(0);
    expect(answer.code).toBeNaN();
  });

  it('http500 and http503: HTML error pages, 503 with Retry-After', async () => {
    const n = await enroll();
    await queue({ customer: 'sandbox', operation: 'getCollectStatus', transport: 'http500' });
    await queue({ customer: 'sandbox', operation: 'getCollectStatus', transport: 'http503' });
    const a = await call(mock.endpoint, 'getCollectStatus', orderXml(n));
    expect(a.status).toBe(500);
    expect(a.contentType).toMatch(/^text\/html/);
    const res = await fetch(mock.endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'text/xml' },
      body: (await import('../support/soap.js')).envelope('getCollectStatus', orderXml(n)),
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(await status(n)).toBe(1);
  });

  it('soap-fault: HTTP 500 with a SOAP 1.1 S:Server fault', async () => {
    const n = await enroll();
    await queue({ customer: 'sandbox', transport: 'soap-fault' });
    const answer = await call(mock.endpoint, 'getCollectStatus', orderXml(n));
    expect(answer.status).toBe(500);
    expect(answer.fault?.code).toBe('S:Server');
    expect(answer.schemaProblems).toEqual([]);
  });

  it('hang: holds the connection (at most faultHangLimitMs), then closes it unanswered', async () => {
    const rule = await queue({ customer: 'sandbox', operation: 'getKUTemplates', transport: 'hang' });
    expect(rule.hangMs).toBe(300); // the limit is the default
    await admin('DELETE', '/admin/api/faults');
    await queue({ customer: 'sandbox', operation: 'getKUTemplates', transport: 'hang', hangMs: 50 });
    const err = await call(mock.endpoint, 'getKUTemplates', authXml()).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    const entry = (await admin<JournalEntry[]>('GET', '/admin/api/journal?operation=getKUTemplates&limit=1')).body[0];
    expect(entry).toMatchObject({ fault: 'injected hang', httpStatus: 0 });
  });

  it('after: the call takes effect, but the client never hears the answer', async () => {
    await queue({ customer: 'sandbox', operation: 'enroll', transport: 'reset', after: true });
    const err = await call(
      mock.endpoint,
      'enroll',
      enrollXml({ email: 'lost-answer@example.com', csr: readCsr() }),
    ).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    const orders = (await admin<OrderSummary[]>('GET', '/admin/api/orders?email=lost-answer@example.com')).body;
    expect(orders).toHaveLength(1);
    expect(orders[0].state).toBe('issued');
    const entry = (await admin<JournalEntry[]>('GET', '/admin/api/journal?operation=enroll&limit=1')).body[0];
    expect(entry).toMatchObject({
      fault: 'injected reset (after dispatch)',
      orderNumber: orders[0].orderNumber,
      httpStatus: 0,
    });
  });
});

describe('probabilistic faults', () => {
  it('fire at the given rate until cleared (or for count calls), drawn from the seeded stream', async () => {
    const n = await enroll();
    await queue({ customer: 'sandbox', operation: 'getCollectStatus', code: -14, rate: 0.3 });
    const codes: number[] = [];
    for (let i = 0; i < 60; i++) codes.push(await status(n));
    const fired = codes.filter((c) => c === -14).length;
    expect(fired).toBeGreaterThan(5);
    expect(fired).toBeLessThan(35);
    expect(codes.filter((c) => c === 1).length).toBe(60 - fired);
    const [rule] = (await admin<FaultView[]>('GET', '/admin/api/faults')).body;
    expect(rule).toMatchObject({ rate: 0.3, fired, seen: 60 });
    expect(rule.remaining).toBeUndefined();

    await admin('DELETE', '/admin/api/faults');
    await queue({ customer: 'sandbox', operation: 'getCollectStatus', code: -14, rate: 0.5, count: 3 });
    const more: number[] = [];
    for (let i = 0; i < 60; i++) more.push(await status(n));
    expect(more.filter((c) => c === -14)).toHaveLength(3);
    expect((await admin('GET', '/admin/api/faults')).body).toEqual([]);
  });
});
