import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CcmAbortError,
  CcmRestClient,
  CcmRestStatusError,
  CcmTransportError,
  CcmWaitTimeoutError,
  COLLECT_FORMATS,
  isPending,
  isRestStatus,
  normalizeRestBaseUrl,
  restStatus,
  type RestExchange,
  type RestPollEvent,
} from '../../client/index.js';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import { answerRest, closedPortUrl, fakeEndpoint, restRelay } from '../support/fake-endpoints.js';
import { readCsr } from '../support/fixtures.js';
import { verifySmime } from '../support/openssl.js';

/**
 * CcmRestClient against the mock over real HTTP: every method, the typed errors with the REST catalog's entries,
 * waiting on collect, drift reporting on answers that differ from the contract, and transport failures (against
 * small servers that misbehave as a remote endpoint can).
 */

const SANDBOX = { login: 'admin', password: 'sandbox', customerUri: 'sandbox' };
const csr = readCsr();
let mock: MockServer;
let client: CcmRestClient;
let exchanges: RestExchange[];
let n = 0;
const email = (tag = '') => `rest-client-${++n}${tag ? '+' + tag : ''}@example.com`;
const fast = { backoff: { initialDelayMs: 0, maxDelayMs: 0 } };
const person = (address: string) => ({
  csr,
  certType: 101,
  term: 365,
  email: address,
  firstName: 'Rest',
  lastName: 'Client',
});
const origin = (url: string) => new URL(url).origin;
const rejection = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

beforeAll(async () => {
  mock = await createMockServer({ seed: 'rest-client' });
  exchanges = [];
  client = new CcmRestClient({ baseUrl: mock.url, auth: SANDBOX, orgId: 1001, onExchange: (e) => exchanges.push(e) });
});
afterAll(() => mock.close());

async function issued(tag = '') {
  const address = email(tag);
  const enrolled = await client.enroll(person(address));
  const collected = await client.waitForCertificate(enrolled.backendCertId, fast);
  return { ...enrolled, email: address, collected };
}

describe('the endpoints', () => {
  it('types, custom fields and organizations, as the accounts fixture has them', async () => {
    expect((await client.listTypes()).map((p) => [p.id, p.terms])).toEqual([
      [101, [365, 730]],
      [102, [365]],
    ]);
    expect((await client.listTypes({ organizationId: 1002 })).map((p) => p.id)).toEqual([101]);
    expect(await client.listCustomFields()).toEqual([
      { id: 11, name: 'employeeNumber', mandatory: false },
      { id: 12, name: 'costCenter', mandatory: false },
    ]);
    const orgs = await client.organizations();
    expect(orgs.find((o) => o.id === 1001)?.departments.map((d) => d.name)).toEqual(['Engineering', 'Sales']);
  });

  it('enroll, then collect: the default format is base64 PKCS#7, parsed into leaf and chain that openssl verifies', async () => {
    const address = email();
    const enrolled = await client.enroll(person(address));
    expect(enrolled.backendCertId).toBe(String(enrolled.orderNumber));
    expect(mock.store.get(enrolled.orderNumber)).toMatchObject({ email: address, api: 'rest' });
    const collected = await client.collect(enrolled.backendCertId);
    expect(collected).toMatchObject({
      backendCertId: enrolled.backendCertId,
      format: 'base64',
      contentType: 'application/octet-stream',
      filename: `${address.replace(/[@.]/g, '_')}.p7b`,
    });
    expect(collected.body.toString('utf8')).toMatch(/^-----BEGIN PKCS7-----/);
    const cert = collected.certificate!;
    expect(cert.emails).toEqual([address]);
    expect(cert.chain).toHaveLength(2);
    expect(verifySmime(cert.leafPem, mock.ca.root.pem, mock.ca.issuingFor(mock.url).pem)).toMatch(/OK/);
    expect(cert.serialNumber).toBe(mock.store.get(enrolled.orderNumber)!.certificate!.serial);
  });

  it('collect in every documented format: the certificates each holds, leaf parsed where it has one', async () => {
    const { backendCertId, email: address } = await issued();
    const counts: Record<string, [number, boolean]> = {};
    for (const format of COLLECT_FORMATS) {
      const c = await client.collect(backendCertId, { format });
      expect(c.format).toBe(format);
      counts[format] = [c.certificates.length, c.certificate !== undefined];
      if (c.certificate) expect(c.certificate.emails).toEqual([address]);
    }
    expect(counts).toEqual({
      x509: [3, true],
      x509CO: [1, true],
      base64: [3, true],
      bin: [3, true],
      x509IO: [2, false],
      x509IOR: [2, false],
      pem: [3, true],
      pemco: [1, true],
      pemia: [2, true],
      x509R: [3, true],
    });
    expect((await client.collect(backendCertId, { format: 'bin' })).body[0]).toBe(0x30); // DER
  });

  it('lists: a page with X-Total-Count, HEAD count, every page, by person, and details by certificate id', async () => {
    const a = await issued();
    const b = await issued();
    const mine = await client.list({ email: a.email });
    expect(mine.total).toBe(1);
    expect(mine.items.map((i) => i.backendCertId)).toEqual([a.backendCertId]);
    const total = await client.count();
    expect((await client.list({ size: 1 })).total).toBe(total);
    const all = await client.listAll({}, { pageSize: 2 });
    expect(all).toHaveLength(total);
    expect(new Set(all.map((i) => i.id)).size).toBe(total);
    expect((await client.count({ state: 'issued' })) > 0).toBe(true);
    expect((await client.listByPersonEmail(b.email)).map((i) => i.backendCertId)).toEqual([b.backendCertId]);
    const personId = await client.personIdByEmail(b.email);
    expect((await client.listByPersonId(personId)).map((i) => i.backendCertId)).toEqual([b.backendCertId]);
    const info = await client.details(mine.items[0].id);
    expect(info).toMatchObject({ backendCertId: a.backendCertId, orgId: 1001, term: 365, status: 'issued' });
  });

  it('createPerson: 201 with the new id in Location, which personIdByEmail then answers', async () => {
    const address = email();
    const made = await client.createPerson({
      firstName: 'New',
      lastName: 'Person',
      email: address,
      validationType: 'STANDARD',
      organizationId: 1001,
    });
    expect(made.location).toMatch(new RegExp(`/api/person/v1/${made.personId}$`));
    expect(await client.personIdByEmail(address)).toBe(made.personId);
  });

  it('renew by order and by serial, and replace: new certificates the lists show', async () => {
    const first = await issued();
    const byOrder = await client.renewByOrder(first.backendCertId);
    expect(byOrder.backendCertId).not.toBe(first.backendCertId);
    expect((await client.waitForCertificate(byOrder.backendCertId, fast)).certificate!.emails).toEqual([first.email]);
    const bySerial = await client.renewBySerial(first.collected.certificate!.serialNumber);
    expect((await client.collect(bySerial.backendCertId)).certificate).toBeDefined();
    await client.replace(first.backendCertId, { csr, reason: 'new key', revoke: true });
    expect(mock.store.get(first.orderNumber)!.state).toBe('revoked');
    expect((await client.listByPersonEmail(first.email)).length).toBe(4);
  });
});

describe('revocation and its codes', () => {
  it('by order: 204, then collect answers -110 (REVOKED, HTTP 400) and a second revoke -159', async () => {
    const { backendCertId, orderNumber } = await issued();
    await client.revokeByOrder(backendCertId, { reason: 'key compromise', reasonCode: 1 });
    expect(mock.store.get(orderNumber)!.state).toBe('revoked');
    const err = await rejection(client.collect(backendCertId));
    expect(err).toBeInstanceOf(CcmRestStatusError);
    expect(err).toMatchObject({
      code: -110,
      httpStatus: 400,
      status: 'REVOKED',
      source: 'doc',
      operation: 'smime.collect',
      backendCertId,
      documented: true,
      description: 'Certificate has been revoked and cannot be downloaded.',
    });
    const again = await rejection(client.revokeByOrder(backendCertId, { reason: 'again' }));
    expect(isRestStatus(again, restStatus('ALREADY_REVOKED').code)).toBe(true);
  });

  it('by serial (as the certificate shows it, or with colons) and by email', async () => {
    const a = await issued();
    await client.revokeBySerial(a.collected.certificate!.serialNumber, { reason: 'by serial' });
    expect(mock.store.get(a.orderNumber)!.state).toBe('revoked');
    const b = await issued();
    const colons = (await client.list({ email: b.email })).items[0].serialNumber!;
    expect(colons).toMatch(/^[0-9A-F]{2}(:[0-9A-F]{2})+$/);
    await client.revokeBySerial(colons);
    expect(mock.store.get(b.orderNumber)!.state).toBe('revoked');
    const c = await issued();
    await client.revokeByEmail({ email: c.email, reason: 'left' });
    expect(mock.store.get(c.orderNumber)!.state).toBe('revoked');
    const none = await rejection(client.revokeByEmail({ email: c.email, reason: 'nothing left' }));
    expect(none).toMatchObject({ code: -1108, httpStatus: 404, status: 'NO_VALID_CERTIFICATES' });
  });

  it('manual revocation by certificate id', async () => {
    const a = await issued();
    const [item] = (await client.list({ email: a.email })).items;
    await client.revokeManual({ certId: item.id, reasonCode: 4 });
    expect((await client.list({ email: a.email })).items[0].state).toBe('revoked');
  });

  it("with restRevokedCollectCode -192, a revoked certificate's collect is -192, python-cert_manager's RevokedError", async () => {
    const py = await createMockServer({ restRevokedCollectCode: '-192', ca: mock.ca });
    try {
      const c = new CcmRestClient({ baseUrl: py.url, auth: SANDBOX, orgId: 1001 });
      const { backendCertId } = await c.enroll(person(email()));
      await c.revokeByOrder(backendCertId, { reason: 'x' });
      expect(await rejection(c.collect(backendCertId))).toMatchObject({
        code: -192,
        status: 'REVOKED_PYTHON_CERT_MANAGER',
        source: 'evidence',
      });
    } finally {
      await py.close();
    }
  });
});

describe('typed errors', () => {
  it('an unknown login: -16 with HTTP 401, the catalog entry UNKNOWN_USER', async () => {
    const stranger = new CcmRestClient({ baseUrl: mock.url, auth: { ...SANDBOX, login: 'nobody' } });
    const err = await rejection(stranger.listTypes());
    expect(err).toBeInstanceOf(CcmRestStatusError);
    expect(err).toMatchObject({ code: -16, httpStatus: 401, status: 'UNKNOWN_USER', meaning: 'Unknown user' });
    expect((err as Error).message).toBe('smime.listTypes answered -16 (HTTP 401): Unknown user');
  });

  it('refusals carry their code, the service description and the catalog meaning', async () => {
    const unknown = await rejection(client.collect('2147483647'));
    expect(unknown).toMatchObject({
      code: -1104,
      status: 'INVALID_ORDER_NUMBER',
      description: 'Invalid order number 2147483647',
    });
    expect((unknown as CcmRestStatusError).meaning).toBe('Invalid order number …');
    const term = await rejection(client.enroll({ ...person(email()), term: 1 }));
    expect(term).toMatchObject({ code: -36, operation: 'smime.enroll', status: 'TERM_INVALID' });
    const format = await rejection(client.collect('1', { format: 'pkcs12' as never }));
    expect(format).toMatchObject({ code: -1450, status: 'UNSUPPORTED_FORMAT' });
  });

  it('a pending collect is -183 (isPending); the same order is collectable later', async () => {
    const { backendCertId } = await client.enroll(person(email('pending1')));
    const err = await rejection(client.collect(backendCertId));
    expect(isPending(err)).toBe(true);
    expect(err).toMatchObject({ code: -183, httpStatus: 400, status: 'NOT_COLLECTABLE' });
    expect((await client.collect(backendCertId)).certificate).toBeDefined();
  });
});

describe('waiting', () => {
  it('enrollAndCollect polls collect with backoff through -183 and reports each poll', async () => {
    const polls: RestPollEvent[] = [];
    let ids: unknown;
    const got = await client.enrollAndCollect(person(email('pending2')), {
      ...fast,
      onEnrolled: (e) => (ids = e),
      onPoll: (e) => polls.push(e),
    });
    expect(ids).toEqual({ orderNumber: got.orderNumber, backendCertId: got.backendCertId });
    expect(polls.map((p) => [p.backendCertId, p.poll, p.code])).toEqual([
      [got.backendCertId, 1, -183],
      [got.backendCertId, 2, -183],
    ]);
    expect(got.certificate!.leaf.serialNumber).toBeTruthy();
  });

  it('gives up at the timeout with the backendCertId and the last code', async () => {
    const { backendCertId } = await client.enroll(person(email('pending50')));
    const err = await rejection(client.waitForCertificate(backendCertId, { ...fast, timeoutMs: 0 }));
    expect(err).toBeInstanceOf(CcmWaitTimeoutError);
    expect(err).toMatchObject({ backendCertId, operation: 'smime.collect', polls: 1, lastCode: -183 });
    expect((err as Error).message).toMatch(/collect it later with its backendCertId$/);
  });

  it('a rejected order ends the wait at once (-169); -14 is retried', async () => {
    const rejected = await client.enroll(person(email('reject')));
    const polls: RestPollEvent[] = [];
    const err = await rejection(
      client.waitForCertificate(rejected.backendCertId, { ...fast, onPoll: (e) => polls.push(e) }),
    );
    expect(err).toMatchObject({ code: -169, backendCertId: rejected.backendCertId });
    expect(polls).toEqual([]);
    const flaky = await client.enroll(person(email('fail14')));
    const seen: RestPollEvent[] = [];
    const got = await client.waitForCertificate(flaky.backendCertId, { ...fast, onPoll: (e) => seen.push(e) });
    expect(got.certificate).toBeDefined();
    expect(seen.map((e) => (e.error as CcmRestStatusError | undefined)?.code)).toEqual([-14]);
  });

  it('polls lost to an overloaded service (503) are retried; an abort during the pause ends the wait', async () => {
    mock.admin.queueFault({ customer: 'sandbox', operation: 'smime.collect', transport: 'http503', count: 2 });
    const polls: RestPollEvent[] = [];
    const got = await client.enrollAndCollect(person(email()), { ...fast, onPoll: (e) => polls.push(e) });
    expect(got.certificate).toBeDefined();
    expect(polls.map((p) => (p.error as CcmTransportError | undefined)?.details.httpStatus)).toEqual([503, 503]);

    const { backendCertId } = await client.enroll(person(email('pending1000')));
    const controller = new AbortController();
    const err = await rejection(
      client.waitForCertificate(backendCertId, {
        backoff: { initialDelayMs: 60_000 },
        signal: controller.signal,
        onPoll: () => controller.abort(new Error('stop')),
      }),
    );
    expect(err).toBeInstanceOf(CcmAbortError);
    expect(err).toMatchObject({ backendCertId, operation: 'smime.collect' });
  });
});

describe('drift: answers that differ from the contract are read, and reported', () => {
  it('the mock answers as the contract says: no drift in any exchange of this suite so far', () => {
    // but the injected transport faults (an HTML 503 stands for a gateway in front of the service)
    const answered = exchanges.filter((e) => !(e.error instanceof CcmTransportError));
    expect(answered.length).toBeGreaterThan(30);
    expect(answered.some((e) => e.error instanceof CcmRestStatusError)).toBe(true);
    expect(answered.flatMap((e) => e.drift)).toEqual([]);
    expect(exchanges.length - answered.length).toBe(2);
  });

  it('a field unknown to the contract, one missing, another status and an undocumented code are each reported', async () => {
    // the mock's answers, changed on the way: an extra field on every profile, no `useSecondaryOrgName` (a required
    // field; `description` is optional in the contract), enroll's 200 as 201, and the pending -183 of collect as a
    // code the catalog has no entry for
    const proxy = await fakeEndpoint(async (req, res, body) => {
      const answer = await restRelay(mock.url, req, body);
      if (req.url === '/api/smime/v1/types') {
        const types = JSON.parse(answer.body.toString('utf8')) as Array<Record<string, unknown>>;
        answer.body = Buffer.from(
          JSON.stringify(types.map(({ useSecondaryOrgName: _u, ...p }) => ({ ...p, secondaryOrgName: 'x' }))),
        );
      } else if (req.url === '/api/smime/v1/enroll') answer.status = 201;
      else if (req.url?.startsWith('/api/smime/v1/collect/') && answer.status === 400)
        answer.body = Buffer.from(JSON.stringify({ code: -4242, description: 'Not yet.', items: [] }));
      answerRest(res, answer);
    });
    try {
      const seen: RestExchange[] = [];
      const c = new CcmRestClient({
        baseUrl: origin(proxy.url),
        auth: SANDBOX,
        orgId: 1001,
        onExchange: (e) => seen.push(e),
      });
      const types = await c.listTypes();
      expect(types[0]).toMatchObject({ id: 101, secondaryOrgName: 'x' }); // kept, as it came
      const { backendCertId } = await c.enroll(person(email('pending1')));
      const err = await rejection(c.collect(backendCertId));
      expect(err).toMatchObject({ code: -4242, documented: false, status: undefined });
      expect((err as CcmRestStatusError).meaning).toBe('unknown status code -4242');
      expect(seen.flatMap((e) => e.drift).map((d) => [d.aspect, d.path, d.expected, d.actual])).toEqual([
        ['field', 'smime.listTypes answer > [] > useSecondaryOrgName', 'boolean', '(absent)'],
        ['field', 'smime.listTypes answer > [] > secondaryOrgName', '(absent)', 'string "x"'],
        ['status', 'smime.enroll answer', 'HTTP 200', 'HTTP 201'],
        ['field', 'smime.collect error body > items', '(absent)', 'array'],
        ['code', 'smime.collect error code', "one of the REST catalog's codes for the operation", '-4242 "Not yet."'],
      ]);
    } finally {
      await proxy.close();
    }
  });

  it('an error status without a JSON body is a transport error, reported as content-type drift', async () => {
    const html = await fakeEndpoint((_req, res) => {
      res.writeHead(502, { 'Content-Type': 'text/html' });
      res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
    });
    try {
      const seen: RestExchange[] = [];
      const c = new CcmRestClient({ baseUrl: origin(html.url), auth: SANDBOX, onExchange: (e) => seen.push(e) });
      const err = await rejection(c.enroll(person(email())));
      expect(err).toBeInstanceOf(CcmTransportError);
      expect(err).toMatchObject({ kind: 'http', details: { httpStatus: 502, mayHaveReachedService: true } });
      expect((err as Error).message).toMatch(/HTTP 502 .*not a JSON error body: 502 Bad Gateway/);
      expect(seen[0].drift.map((d) => [d.aspect, d.path, d.actual])).toEqual([
        ['content-type', 'smime.enroll error body (HTTP 502)', 'text/html: 502 Bad Gateway'],
      ]);
    } finally {
      await html.close();
    }
  });

  it('a 2xx answer that is not JSON is malformed', async () => {
    const garbage = await fakeEndpoint((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"orderNumber": 1,');
    });
    try {
      const c = new CcmRestClient({ baseUrl: origin(garbage.url), auth: SANDBOX });
      expect(await rejection(c.enroll(person(email())))).toMatchObject({
        kind: 'malformed',
        operation: 'smime.enroll',
        details: { mayHaveReachedService: true },
      });
      expect(await rejection(c.listTypes())).toMatchObject({
        kind: 'malformed',
        details: { mayHaveReachedService: false },
      });
    } finally {
      await garbage.close();
    }
  });
});

describe('never repeats a POST on its own', () => {
  it('a connection dropped after enroll or revoke was sent: one request each, and an error saying it may have been processed', async () => {
    const reset = await fakeEndpoint((req) => void req.socket.destroy());
    try {
      const c = new CcmRestClient({ baseUrl: origin(reset.url), auth: SANDBOX, orgId: 1001 });
      const err = await rejection(c.enrollAndCollect(person('once@example.com'), fast));
      expect(err).toMatchObject({
        kind: 'network',
        operation: 'smime.enroll',
        details: { mayHaveReachedService: true },
      });
      const revokeErr = await rejection(c.revokeByOrder('1', { reason: 'x' }));
      expect(revokeErr).toMatchObject({ operation: 'smime.revokeByOrder', details: { mayHaveReachedService: true } });
      expect(reset.requests.map((b) => Object.keys(JSON.parse(b) as object)[0])).toEqual(['csr', 'reason']);
    } finally {
      await reset.close();
    }
  });

  it('an enroll whose answer is lost at the mock: the order exists, and the client did not enroll again', async () => {
    const address = email();
    mock.admin.queueFault({ customer: 'sandbox', operation: 'smime.enroll', transport: 'reset', after: true });
    const err = await rejection(client.enrollAndCollect(person(address), fast));
    expect(err).toMatchObject({ kind: 'network', details: { mayHaveReachedService: true } });
    expect(mock.admin.orders({ customer: 'sandbox', email: address })).toHaveLength(1);
  });

  it('a POST redirected elsewhere is not followed: the redirect is the error', async () => {
    const redirect = await fakeEndpoint((_req, res) => {
      res.writeHead(307, { Location: 'https://elsewhere.invalid/api/smime/v1/enroll' });
      res.end();
    });
    try {
      const c = new CcmRestClient({ baseUrl: origin(redirect.url), auth: SANDBOX });
      const err = await rejection(c.enroll(person(email())));
      expect(err).toMatchObject({ kind: 'http', details: { httpStatus: 307 } });
      expect((err as Error).message).toMatch(/HTTP 307 .* to https:\/\/elsewhere\.invalid\/api\/smime\/v1\/enroll/);
      expect(redirect.requests).toHaveLength(1);
    } finally {
      await redirect.close();
    }
  });

  it('a hung enroll times out saying it may have been processed; an abort before sending sends nothing', async () => {
    const hung = await fakeEndpoint(() => undefined);
    try {
      const c = new CcmRestClient({ baseUrl: origin(hung.url), auth: SANDBOX, requestTimeoutMs: 200 });
      const err = await rejection(c.enroll(person(email())));
      expect(err).toMatchObject({ kind: 'timeout', details: { mayHaveReachedService: true } });
      const aborted = await rejection(c.enroll(person(email()), { signal: AbortSignal.abort() }));
      expect(aborted).toBeInstanceOf(CcmAbortError);
      expect(aborted).toMatchObject({ details: {} });
      expect(hung.requests).toHaveLength(1);
    } finally {
      await hung.close();
    }
  });

  it('nothing listening: a network error that certainly did not reach the service', async () => {
    const c = new CcmRestClient({ baseUrl: await closedPortUrl(), auth: SANDBOX });
    expect(await rejection(c.revokeByEmail({ email: 'a@example.com' }))).toMatchObject({
      kind: 'network',
      details: { mayHaveReachedService: false },
    });
  });
});

describe('the base URL', () => {
  it.each([
    ['http://localhost:8080', 'http://localhost:8080/api'],
    ['http://localhost:8080/', 'http://localhost:8080/api'],
    ['http://localhost:8080/api/', 'http://localhost:8080/api'],
    ['https://cert-manager.com/ws/EPKIManager', 'https://cert-manager.com/api'],
    ['https://host/private/api?x=1', 'https://host/private/api'],
  ])('%s -> %s', (given, expected) => {
    expect(normalizeRestBaseUrl(given)).toBe(expected);
  });

  it('refuses what is not an http(s) URL', () => {
    expect(() => normalizeRestBaseUrl('ftp://host/api')).toThrow(/not an http\(s\) URL/);
    expect(() => new CcmRestClient({ baseUrl: 'nonsense', auth: SANDBOX })).toThrow(/not a URL/);
  });
});
