import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import { CertificateListSchema, restPath, restStatus } from '../../wsdl/rest/index.js';
import { Status } from '../../wsdl/status-codes.js';
import { adminClient } from '../support/admin.js';
import { readCsr } from '../support/fixtures.js';
import { enrollBody, expectError, INJECTION_ONLY, restClient, SANDBOX_LOGIN } from '../support/rest.js';
import { call, enrollXml, orderXml } from '../support/soap.js';

/**
 * The semantics REST shares with SOAP through the domain: fault injection (per customer, per REST operation, or
 * per API), the scripted `+tags` of the enroll email, processing delays on the mock's clock, auto-revocation,
 * the seed.
 */

let mock: MockServer;
let api: ReturnType<typeof restClient>;
let admin: ReturnType<typeof adminClient>;
beforeAll(async () => {
  mock = await createMockServer({ seed: 'rest-faults', clockFrozen: true, clockStart: '2030-01-01T00:00:00Z' });
  api = restClient(mock.url);
  admin = adminClient(mock.url);
});
afterAll(async () => {
  await mock.close();
});

async function enrolled(email: string, over: Record<string, unknown> = {}): Promise<string> {
  const a = await api('POST', '/smime/v1/enroll', enrollBody({ email, ...over }));
  expect(a.status, a.text).toBe(200);
  return (a.json as { backendCertId: string }).backendCertId;
}

const collect = (id: string) => api('GET', restPath('smime.collect', { backendCertId: id }));

/** A request whose answer is broken on purpose: read raw, no JSON check. */
async function broken(method: string, path: string, body?: unknown) {
  const res = await fetch(`${mock.url}/api${path}`, {
    method,
    headers: { ...SANDBOX_LOGIN, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    text: await res.text(),
    headers: res.headers,
  };
}

describe('fault injection on REST operations', () => {
  it('injects each code only fault injection makes, on an operation whose catalog lists it', async () => {
    const targets: Record<string, { operation: string; run: () => Promise<Awaited<ReturnType<typeof api>>> }> = {
      INTERNAL_ERROR: { operation: 'smime.listTypes', run: () => api('GET', '/smime/v1/types') },
      CA_UNAVAILABLE: { operation: 'smime.enroll', run: () => api('POST', '/smime/v1/enroll', enrollBody()) },
      NOT_AVAILABLE_NOW: { operation: 'smime.collect', run: () => collect('1') },
      BEING_PROCESSED: { operation: 'smime.collect', run: () => collect('1') },
      QUOTA_REACHED: { operation: 'smime.enroll', run: () => api('POST', '/smime/v1/enroll', enrollBody()) },
    };
    expect(Object.keys(targets).sort()).toEqual([...INJECTION_ONLY].sort());
    for (const name of INJECTION_ONLY) {
      const entry = restStatus(name);
      const { operation, run } = targets[name];
      const queued = await admin('POST', '/admin/api/faults', { customer: 'sandbox', operation, code: entry.code });
      expect(queued.status, JSON.stringify(queued.body)).toBe(201);
      const a = await run();
      expectError(a, entry.http, entry.code, entry.description);
      expect(a.error?.details).toBe('injected by ccm-mock (fault injection)');
    }
  });

  it('a rule fires for its customer only, for `count` calls, then the call goes through', async () => {
    await admin('POST', '/admin/api/faults', { customer: 'other', operation: 'smime.listCustomFields', code: -14 });
    expect((await api('GET', '/smime/v1/customFields')).status).toBe(200);
    await admin('POST', '/admin/api/faults', {
      customer: 'sandbox',
      operation: 'smime.listCustomFields',
      code: -14,
      count: 2,
    });
    expectError(await api('GET', '/smime/v1/customFields'), 500, -14);
    expectError(await api('GET', '/smime/v1/customFields'), 500, -14);
    expect((await api('GET', '/smime/v1/customFields')).status).toBe(200);
    await admin('DELETE', '/admin/api/faults?customer=other');
  });

  it('a rule naming an api but no operation covers that API only', async () => {
    await admin('POST', '/admin/api/faults', { customer: 'sandbox', api: 'rest', code: -14 });
    const soap = await call(mock.endpoint, 'getCollectStatus', orderXml(999));
    expect(soap.code).toBe(Status.ORDER_NUMBER_NOT_FOUND);
    expectError(await collect('999'), 500, -14);
    expectError(await collect('999'), 400, -1104);
  });

  it('refuses rules that make no sense for REST: a SOAP-only code, soap-fault, an api its operation is not of', async () => {
    const refused = async (spec: Record<string, unknown>, message: RegExp) => {
      const a = await admin('POST', '/admin/api/faults', { customer: 'sandbox', ...spec });
      expect(a.status).toBe(400);
      expect(JSON.stringify(a.body)).toMatch(message);
    };
    await refused({ operation: 'smime.collect', code: -21 }, /code -21 is not a status code of the REST catalog/);
    await refused({ operation: 'smime.listTypes', code: -183 }, /smime.listTypes never answers -183/);
    await refused({ api: 'rest', code: -21 }, /not a status code of the REST catalog/);
    await refused({ operation: 'smime.enroll', transport: 'soap-fault' }, /soap-fault breaks SOAP calls only/);
    await refused({ operation: 'smime.enroll', api: 'soap', code: -14 }, /smime.enroll is not a soap operation/);
    await refused({ operation: 'smime.nothing', code: -14 }, /operation must be one of/);
  });

  it('breaks the transport of REST calls: 503 and 500 pages, an empty or cut-off JSON body, a reset', async () => {
    const id = await enrolled('transport@example.com');
    await admin('POST', '/admin/api/faults', { customer: 'sandbox', operation: 'smime.collect', transport: 'http503' });
    const unavailable = await broken('GET', restPath('smime.collect', { backendCertId: id }));
    expect([unavailable.status, unavailable.contentType, unavailable.headers.get('retry-after')]).toEqual([
      503,
      'text/html;charset=utf-8',
      '1',
    ]);
    await admin('POST', '/admin/api/faults', { customer: 'sandbox', operation: 'smime.listTypes', transport: 'empty' });
    expect(await broken('GET', '/smime/v1/types')).toMatchObject({
      status: 200,
      contentType: 'application/json',
      text: '',
    });
    await admin('POST', '/admin/api/faults', {
      customer: 'sandbox',
      operation: 'smime.listTypes',
      transport: 'malformed',
      after: true,
    });
    const cut = await broken('GET', '/smime/v1/types');
    expect(cut.status).toBe(200);
    expect(() => JSON.parse(cut.text) as unknown).toThrow();
    expect(cut.text.startsWith('[{"id":101')).toBe(true);
    await admin('POST', '/admin/api/faults', { customer: 'sandbox', api: 'rest', transport: 'reset' });
    await expect(broken('GET', '/smime/v1/types')).rejects.toThrow();
    expect((await api('GET', '/smime/v1/types')).status).toBe(200);
  });

  it('`after`: the enroll is carried out, its answer lost (the admin API shows the order)', async () => {
    await admin('POST', '/admin/api/faults', {
      customer: 'sandbox',
      operation: 'smime.enroll',
      transport: 'http500',
      after: true,
    });
    const lost = await broken('POST', '/smime/v1/enroll', enrollBody({ email: 'lost@example.com' }));
    expect(lost.status).toBe(500);
    const orders = (await admin('GET', '/admin/api/orders?email=lost@example.com')).body as Array<{ api: string }>;
    expect(orders).toMatchObject([{ api: 'rest', state: 'issued' }]);
    const journal = (await admin('GET', '/admin/api/journal?operation=smime.enroll&limit=1')).body as Array<{
      fault?: string;
      httpStatus: number;
    }>;
    expect(journal[0]).toMatchObject({ fault: 'injected http500 (after dispatch)', httpStatus: 500 });
  });
});

describe('scripted +tags and delays through REST', () => {
  it('+reject: collect answers -169 and revoke -102 once the processing delay has passed', async () => {
    const id = await enrolled('tag+reject@example.com');
    expectError(await collect(id), 400, -169);
    expectError(await api('POST', restPath('smime.revokeByOrder', { backendCertId: id }), { reason: '' }), 400, -102);
  });

  it('+payment: -183 until the admin marks it paid, then collectable', async () => {
    const id = await enrolled('tag+payment@example.com');
    expectError(await collect(id), 400, -183);
    expect((await admin('POST', `/admin/api/orders/${id}/pay`)).status).toBe(200);
    expect((await collect(id)).status).toBe(200);
  });

  it('+issuing2: revoke answers -102 while it is being issued, collect -183, then it is issued', async () => {
    const id = await enrolled('tag+issuing2@example.com');
    expectError(await api('POST', restPath('smime.revokeByOrder', { backendCertId: id }), { reason: '' }), 400, -102);
    expectError(await collect(id), 400, -183);
    expectError(await collect(id), 400, -183);
    expect((await collect(id)).status).toBe(200);
  });

  it('+fail14: the next call about the order answers -14, once', async () => {
    const id = await enrolled('tag+fail14@example.com');
    expectError(await api('POST', restPath('smime.renewByOrder', { backendCertId: id })), 500, -14, 'Unknown error.');
    expect((await collect(id)).status).toBe(200);
  });

  it("+delay1h and an organization's delay run on the mock's clock", async () => {
    const id = await enrolled('tag+delay1h@example.com');
    expectError(await collect(id), 400, -183);
    await admin('POST', '/admin/api/clock/advance', { by: '59m' });
    expectError(await collect(id), 400, -183);
    await admin('POST', '/admin/api/clock/advance', { by: '1m' });
    expect((await collect(id)).status).toBe(200);

    await admin('PATCH', '/admin/api/orgs/1001', { delay: '10m' });
    const slow = await enrolled('org-delay@example.com');
    expect(CertificateListSchema.parse((await api('GET', `/smime/v2?backendCertId=${slow}`)).json)[0].state).toBe(
      'requested',
    );
    await admin('POST', '/admin/api/clock/advance', { by: '10m' });
    expect(CertificateListSchema.parse((await api('GET', `/smime/v2?backendCertId=${slow}`)).json)[0].state).toBe(
      'issued',
    );
    await admin('PATCH', '/admin/api/orgs/1001', { delay: null });
  });

  it('a certificate past its term lists as expired', async () => {
    const id = await enrolled('expiring@example.com');
    await admin('POST', '/admin/api/clock/advance', { by: '366d' });
    expect(CertificateListSchema.parse((await api('GET', `/smime/v2?backendCertId=${id}`)).json)[0].state).toBe(
      'expired',
    );
    expect((await api('GET', '/smime/v2?state=expired')).headers.get('x-total-count')).not.toBe('0');
  });

  it("an auto-revoking organization revokes the person's previous certificate when the next is issued, whichever API made it", async () => {
    const soap = await call(
      mock.endpoint,
      'enroll',
      enrollXml({ orgId: 1002, secretKey: 'second-secret', email: 'auto@example.org', csr: readCsr() }),
    );
    expect(soap.code).toBeGreaterThan(0);
    await enrolled('auto@example.org', { orgId: 1002 });
    expect(mock.store.get(soap.code)!.state).toBe('revoked');
    expect(mock.store.get(soap.code)!.revocation?.by).toBe('auto-revoke');
  });
});

describe('the seed', () => {
  it('the same seed and the same REST calls give the same order numbers and serials', async () => {
    const run = async () => {
      const m = await createMockServer({ seed: 'rest-seed', ca: mock.ca });
      try {
        const client = restClient(m.url);
        const numbers: string[] = [];
        for (const email of ['s1@example.com', 's2@example.com']) {
          const a = await client('POST', '/smime/v1/enroll', enrollBody({ email }));
          numbers.push((a.json as { backendCertId: string }).backendCertId);
        }
        const items = CertificateListSchema.parse((await client('GET', '/smime/v2')).json);
        return { numbers, serials: items.map((i) => i.serialNumber) };
      } finally {
        await m.close();
      }
    };
    expect(await run()).toEqual(await run());
  });
});
