import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CcmAbortError,
  CcmClient,
  CcmFaultError,
  CcmStatusError,
  CcmTransportError,
  CcmWaitTimeoutError,
  isStatus,
  normalizeEndpoint,
  Status,
  type PollEvent,
} from '../../client/index.js';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import { closedPortUrl, fakeEndpoint, type FakeEndpoint } from '../support/fake-endpoints.js';
import { readCsr } from '../support/fixtures.js';
import { certText, verifySmime } from '../support/openssl.js';
import { SANDBOX } from '../support/soap.js';

/** CcmClient against the mock over real HTTP: the nine operations, waiting, faults and transport failures. */

const csr = readCsr();
let mock: MockServer;
let client: CcmClient;
let n = 0;
const email = (tag = '') => `client-${++n}${tag ? '+' + tag : ''}@example.com`;
const fast = { backoff: { initialDelayMs: 0, maxDelayMs: 0 } };

beforeAll(async () => {
  mock = await createMockServer();
  client = new CcmClient({ endpoint: mock.endpoint, auth: SANDBOX, orgId: 1001, secretKey: 'sandbox-secret' });
});
afterAll(() => mock.close());

/** A fetch that counts requests per operation (read from the request wrapper) and can fail chosen ones. */
function countingFetch(failWith?: (op: string, count: number) => Error | undefined) {
  const counts: Record<string, number> = {};
  const f: typeof fetch = async (input, init) => {
    const op = /<ns0:(\w+)/.exec(typeof init?.body === 'string' ? init.body : '')?.[1] ?? '?';
    counts[op] = (counts[op] ?? 0) + 1;
    const failure = failWith?.(op, counts[op]);
    if (failure) throw failure;
    return fetch(input, init);
  };
  return { fetch: f, counts };
}

describe('the nine operations', () => {
  it('getWebServiceInfo', async () => {
    expect(await client.getWebServiceInfo()).toMatch(/ccm-mock EPKIManager/);
  });

  it('getKUTemplates: typed KeyUsage codes and EKU OIDs, retired templates left out', async () => {
    const templates = await client.getKUTemplates();
    expect(templates.map((t) => t.shortName)).toEqual([
      'smime-standard',
      'smime-signing',
      'smime-encryption',
      'client-auth',
      'smime-signing-encryption',
    ]);
    expect(templates[0]).toEqual({
      shortName: 'smime-standard',
      description: 'S/MIME signing and encryption',
      keyUsages: [
        { code: 0, name: 'Digital Signature' },
        { code: 2, name: 'Key Encipherment' },
      ],
      extKeyUsages: [
        { code: '1.3.6.1.5.5.7.3.4', name: 'Secure Email' },
        { code: '1.3.6.1.5.5.7.3.2', name: 'Client Authentication' },
      ],
    });
  });

  it('getKUTemplates with refused credentials is an empty list (the operation has no status code)', async () => {
    expect(
      await new CcmClient({ endpoint: mock.endpoint, auth: { ...SANDBOX, password: 'wrong' } }).getKUTemplates(),
    ).toEqual([]);
  });

  it('enroll, getCollectStatus, collect: the certificate parsed into leaf + chain, verified by openssl', async () => {
    const address = email();
    const order = await client.enroll({ username: 'Alice Example', email: address, csr });
    expect(order).toBeGreaterThan(0);
    expect(await client.getCollectStatus(order)).toBe(Status.AVAILABLE);
    const outcome = await client.collect(order);
    if (!outcome.ready) throw new Error('not ready');
    const cert = outcome.certificate;
    expect(outcome.code).toBe(1);
    expect(cert.format).toBe('pkcs7');
    expect(cert.emails).toEqual([address]);
    expect(cert.serialNumber).toBe(mock.store.get(order)!.certificate!.serial);
    // the intermediate naming the URL the client used (server/ca/intermediate-variants.ts)
    const intermediate = mock.ca.issuingFor(mock.url).pem;
    expect(cert.chain.map((c) => c.toString('pem') + '\n')).toEqual([intermediate, mock.ca.root.pem]);
    expect(cert.fullChainPem).toBe(cert.leafPem + intermediate + mock.ca.root.pem);
    expect(verifySmime(cert.leafPem, mock.ca.root.pem, mock.ca.issuing.pem)).toMatch(/OK/);
    expect(new X509Certificate(cert.leafPem).subject).toContain('CN=Alice Example');
  });

  it('enroll with templates uses enrollUsingKUTemplates: the certificate carries the template KU/EKU', async () => {
    const counting = countingFetch();
    const c = new CcmClient({
      endpoint: mock.endpoint,
      auth: SANDBOX,
      orgId: 1001,
      secretKey: 'sandbox-secret',
      fetch: counting.fetch,
    });
    const order = await c.enrollUsingKUTemplates({
      username: 'Signer',
      email: email(),
      csr,
      templates: ['smime-signing'],
    });
    expect(counting.counts).toEqual({ enrollUsingKUTemplates: 1 });
    const outcome = await c.collect(order);
    if (!outcome.ready) throw new Error('not ready');
    const text = certText(outcome.certificate.leafPem);
    expect(text).toMatch(/Key Usage: critical\s+Digital Signature, Non Repudiation\n/);
    expect(text).toMatch(/Extended Key Usage:\s+E-mail Protection\n/);
    expect(() => c.enrollUsingKUTemplates({ username: 'x', email: email(), csr, templates: [] })).toThrow(TypeError);
  });

  it('revoke: 0, then the order answers -21', async () => {
    const order = await client.enroll({ username: 'Revoked', email: email(), csr });
    await client.revoke(order, 'key compromise');
    expect(mock.store.get(order)!.state).toBe('revoked');
    await expect(client.getCollectStatus(order)).rejects.toSatisfy(
      (e) => isStatus(e, Status.REVOKED) && e.orderNumber === order,
    );
  });

  it('revokeBySerialNumber with the serial the collected certificate shows, in any notation openssl prints', async () => {
    for (const notation of [
      (s: string) => s,
      (s: string) => s.toUpperCase(),
      (s: string) => s.match(/../g)!.join(':'),
    ]) {
      const order = await client.enroll({ username: 'By Serial', email: email(), csr });
      const outcome = await client.collect(order);
      if (!outcome.ready) throw new Error('not ready');
      await client.revokeBySerialNumber(notation(outcome.certificate.serialNumber), 'superseded');
      expect(mock.store.get(order)!.state).toBe('revoked');
    }
  });

  it("revokeAllByPerson revokes the person's certificates, answers -21 once they are all revoked, and succeeds for a person without any order", async () => {
    const address = email();
    const first = await client.enroll({ username: 'Person', email: address, csr });
    const second = await client.enroll({ username: 'Person', email: address, csr });
    await client.revokeAllByPerson({ email: address, org: 'Sandbox Org' });
    expect([mock.store.get(first)!.state, mock.store.get(second)!.state]).toEqual(['revoked', 'revoked']);
    // orders, but none valid any more: the code says why nothing was revoked
    const again = await client.revokeAllByPerson({ email: address, org: 'Sandbox Org' }).catch((e: unknown) => e);
    expect(isStatus(again, Status.REVOKED)).toBe(true);
    await client.revokeAllByPerson({ email: 'carol@example.com', org: 'Sandbox Org', dep: 'Engineering' });
  });

  it('call() is the wire without interpretation: a negative code is a value, not an error', async () => {
    expect(await client.call('getCollectStatus', { authData: SANDBOX, orderNumber: 2_000_000_000 })).toBe(
      Status.ORDER_NUMBER_NOT_FOUND,
    );
    expect(await client.call('collect', { authData: SANDBOX, orderNumber: -1 })).toEqual({ statusCode: -1 });
  });

  it('writes requests in schema order: a strict mock (full XSD validation, child order included) accepts every one', async () => {
    const strict = await createMockServer({ strict: true, ca: mock.ca });
    try {
      const c = new CcmClient({ endpoint: strict.endpoint, auth: SANDBOX, orgId: 1001, secretKey: 'sandbox-secret' });
      const order = await c.enroll({ username: 'Strict', email: email(), csr, templates: ['smime-standard'] });
      await c.enroll({ username: 'Strict', email: email(), csr });
      expect(await c.getCollectStatus(order)).toBe(1);
      expect((await c.collect(order)).ready).toBe(true);
      expect((await c.getKUTemplates()).length).toBeGreaterThan(0);
      expect(await c.getWebServiceInfo()).toBeTruthy();
      await c.revokeAllByPerson({ email: 'nobody@example.com', org: 'Sandbox Org', dep: 'Sales' });
      await expect(c.revokeBySerialNumber('0abc', '')).rejects.toSatisfy((e) =>
        isStatus(e, Status.SERIAL_NUMBER_NOT_FOUND),
      );
      await c.revoke(order, 'strict');
    } finally {
      await strict.close();
    }
  });
});

describe('endpoint and namespace', () => {
  it('normalizes the endpoint: a base URL gets /ws/EPKIManager, ?wsdl is dropped', () => {
    expect(normalizeEndpoint('http://h:1')).toBe('http://h:1/ws/EPKIManager');
    expect(normalizeEndpoint('https://h/ws/EPKIManager?wsdl')).toBe('https://h/ws/EPKIManager');
    expect(normalizeEndpoint('https://h/private/ws/EPKIManager')).toBe('https://h/private/ws/EPKIManager');
    expect(() => normalizeEndpoint('cert-manager.com')).toThrow(TypeError);
    expect(() => normalizeEndpoint('ftp://h/')).toThrow(TypeError);
    expect(new CcmClient({ endpoint: mock.url, auth: SANDBOX }).wsdlUrl).toBe(mock.wsdlUrl);
  });

  it('talks to an endpoint with another namespace when told it; the default namespace gets a Client fault there', async () => {
    const ns = 'http://smime.ws.epki.comodo.com/';
    const other = await createMockServer({ namespace: ns, ca: mock.ca });
    try {
      expect(
        await new CcmClient({ endpoint: other.endpoint, namespace: ns, auth: SANDBOX }).getWebServiceInfo(),
      ).toMatch(/ccm-mock/);
      const err = await new CcmClient({ endpoint: other.endpoint, auth: SANDBOX })
        .getWebServiceInfo()
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CcmFaultError);
      expect(err).toMatchObject({ faultCode: 'Client', httpStatus: 500, operation: 'getWebServiceInfo' });
      expect((err as CcmFaultError).faultString).toBe(
        'Cannot find dispatch method for {http://ws.epki.comodo.com/}getWebServiceInfo',
      );
    } finally {
      await other.close();
    }
  });
});

describe('the collected certificate, whatever format the service uses', () => {
  it.each([
    ['pkcs7', 'pkcs7', 2],
    ['x509', 'x509', 0],
    ['pem-chain', 'pem', 2],
  ] as const)('--cert-format %s is read as %s with %i CA certificates', async (setting, format, chain) => {
    const m = await createMockServer({ certificateFormat: setting, ca: mock.ca });
    try {
      const c = new CcmClient({ endpoint: m.endpoint, auth: SANDBOX, orgId: 1001, secretKey: 'sandbox-secret' });
      const cert = await c.enrollAndCollect({ username: 'Format', email: email(), csr }, fast);
      expect(cert.format).toBe(format);
      expect(cert.chain).toHaveLength(chain);
      expect(cert.serialNumber).toBe(m.store.get(cert.orderNumber)!.certificate!.serial);
      expect(verifySmime(cert.leafPem, m.ca.root.pem, m.ca.issuing.pem)).toMatch(/OK/);
    } finally {
      await m.close();
    }
  });
});

describe('waiting for a certificate', () => {
  it('enrollAndCollect polls with backoff until issued and reports each poll', async () => {
    const polls: PollEvent[] = [];
    const enrolled: number[] = [];
    const cert = await client.enrollAndCollect(
      { username: 'Patient', email: email('pending3'), csr },
      { ...fast, onPoll: (e) => polls.push(e), onEnrolled: (o) => enrolled.push(o) },
    );
    expect(enrolled).toEqual([cert.orderNumber]);
    expect(polls.map((p) => [p.poll, p.code])).toEqual([
      [1, 0],
      [2, 0],
      [3, 0],
    ]);
    expect(cert.emails[0]).toMatch(/\+pending3@example.com$/);
  });

  it('each poll event reports the backoff pause that follows it: growing by the factor, capped', async () => {
    const polls: PollEvent[] = [];
    // pauses of a few milliseconds: the schedule is what is checked, not the time it takes
    await client.enrollAndCollect(
      { username: 'Backoff', email: email('pending5'), csr },
      { backoff: { initialDelayMs: 1, factor: 2, maxDelayMs: 4, jitter: 0 }, onPoll: (e) => polls.push(e) },
    );
    expect(polls.map((p) => p.nextDelayMs)).toEqual([1, 2, 4, 4, 4]);
  });

  it('gives up at the timeout with the order number (the order stays collectable)', async () => {
    const order = await client.enroll({ username: 'Slow', email: email('pending5'), csr });
    const err = await client.waitForCertificate(order, { ...fast, timeoutMs: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CcmWaitTimeoutError);
    expect(err).toMatchObject({ orderNumber: order, polls: 1, lastCode: 0 });
  });

  it('a timeout of 0 makes exactly one poll, without a deadline: an order already issued is collected', async () => {
    const order = await client.enroll({ username: 'Quick', email: email(), csr });
    const { fetch, counts } = countingFetch();
    const c = new CcmClient({ endpoint: mock.endpoint, auth: SANDBOX, fetch });
    const cert = await c.waitForCertificate(order, { ...fast, timeoutMs: 0 });
    expect(cert.serialNumber).toBe(mock.store.get(order)!.certificate!.serial);
    expect(counts).toEqual({ getCollectStatus: 1, collect: 1 });
  });

  it('the timeout also ends a poll in flight: a hung endpoint gives CcmWaitTimeoutError, not a wait for the request timeout', async () => {
    let closed!: () => void;
    const connectionClosed = new Promise<void>((resolve) => (closed = resolve));
    const hung = await fakeEndpoint((req) => {
      req.socket.once('close', closed);
    });
    try {
      const requestTimeoutMs = 60_000; // longer than the test's own timeout: only the wait's deadline can end this
      const c = new CcmClient({ endpoint: hung.url, auth: SANDBOX, requestTimeoutMs });
      const err = await c.waitForCertificate(7, { ...fast, timeoutMs: 200 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CcmWaitTimeoutError);
      expect(err).toMatchObject({ orderNumber: 7, polls: 0, lastCode: undefined });
      // the poll was never answered: the error says so, not that the order was still being processed
      expect((err as Error).message).toBe(
        'order 7: no answer came to poll 1 within the wait (200 ms); collect it later with its order number',
      );
      expect((err as Error).stack).toContain('no answer came to poll 1');
      expect(hung.requests).toHaveLength(1);
      // the hung request itself was aborted, not left running: the endpoint sees its connection close
      await connectionClosed;
    } finally {
      await hung.close();
    }
  });

  it("the caller's abort during a poll in flight is still an abort, not a timeout", async () => {
    const controller = new AbortController();
    const hung = await fakeEndpoint(() => controller.abort());
    try {
      const c = new CcmClient({ endpoint: hung.url, auth: SANDBOX, requestTimeoutMs: 60_000 });
      const err = await c
        .waitForCertificate(8, { ...fast, timeoutMs: 60_000, signal: controller.signal })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CcmAbortError);
      expect(err).toMatchObject({ orderNumber: 8 });
    } finally {
      await hung.close();
    }
  });

  it('stops when the AbortSignal fires during the pause between polls, with the order number', async () => {
    const controller = new AbortController();
    // a one-minute pause that only the abort can end
    const err = await client
      .enrollAndCollect(
        { username: 'Aborted', email: email('pending100'), csr },
        { backoff: { initialDelayMs: 60_000 }, signal: controller.signal, onPoll: () => controller.abort() },
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CcmAbortError);
    expect((err as CcmAbortError).orderNumber).toBeGreaterThan(0);
  });

  it('an already aborted signal sends nothing', async () => {
    const counting = countingFetch();
    const c = new CcmClient({ endpoint: mock.endpoint, auth: SANDBOX, fetch: counting.fetch });
    await expect(c.getWebServiceInfo({ signal: AbortSignal.abort() })).rejects.toBeInstanceOf(CcmAbortError);
    expect(counting.counts).toEqual({});
  });

  it('retries a poll that failed transiently (-14), not a refusal', async () => {
    const polls: PollEvent[] = [];
    const cert = await client.enrollAndCollect(
      { username: 'Unlucky', email: email('fail14'), csr },
      { ...fast, onPoll: (e) => polls.push(e) },
    );
    expect(cert.leaf).toBeDefined();
    expect(polls[0].error).toBeInstanceOf(CcmStatusError);
    expect((polls[0].error as CcmStatusError).code).toBe(Status.UNKNOWN_ERROR);

    const rejected = await client
      .enrollAndCollect({ username: 'Rejected', email: email('reject'), csr }, fast)
      .catch((e: unknown) => e);
    expect(rejected).toBeInstanceOf(CcmStatusError);
    expect(rejected).toMatchObject({ code: Status.REJECTED, operation: 'getCollectStatus' });
    expect((rejected as CcmStatusError).orderNumber).toBeGreaterThan(0);
  });

  it('retries polls lost in transit up to maxConsecutiveErrors', async () => {
    const flaky = countingFetch((op, count) =>
      op === 'getCollectStatus' && count <= 2
        ? new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } })
        : undefined,
    );
    const c = new CcmClient({
      endpoint: mock.endpoint,
      auth: SANDBOX,
      orgId: 1001,
      secretKey: 'sandbox-secret',
      fetch: flaky.fetch,
    });
    await c.enrollAndCollect({ username: 'Flaky', email: email(), csr }, fast);
    expect(flaky.counts).toEqual({ enroll: 1, getCollectStatus: 3, collect: 1 });

    const broken = countingFetch((op) =>
      op === 'getCollectStatus' ? new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } }) : undefined,
    );
    const d = new CcmClient({
      endpoint: mock.endpoint,
      auth: SANDBOX,
      orgId: 1001,
      secretKey: 'sandbox-secret',
      fetch: broken.fetch,
    });
    const err = await d
      .enrollAndCollect({ username: 'Broken', email: email(), csr }, { ...fast, maxConsecutiveErrors: 1 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CcmTransportError);
    expect(broken.counts).toEqual({ enroll: 1, getCollectStatus: 2 });
  });

  it('polling with collect surfaces -22 (awaiting payment), which getCollectStatus reports as processing', async () => {
    const err = await client
      .enrollAndCollect({ username: 'Unpaid', email: email('payment'), csr }, { ...fast, pollWith: 'collect' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CcmStatusError);
    expect(err).toMatchObject({ code: Status.AWAITING_PAYMENT, operation: 'collect' });
  });
});

describe("the mock's injected transport faults, as the client reports them", () => {
  const queue = (operation: string, transport: string, extra: Record<string, unknown> = {}) =>
    mock.admin.queueFault({ customer: 'sandbox', operation, transport, ...extra });

  it.each([
    ['reset', { kind: 'network', details: { mayHaveReachedService: false } }],
    ['empty', { kind: 'malformed', details: { httpStatus: 200 } }],
    ['malformed', { kind: 'malformed', details: { httpStatus: 200 } }],
    ['http500', { kind: 'http', details: { httpStatus: 500 } }],
    ['http503', { kind: 'http', details: { httpStatus: 503 } }],
    ['hang', { kind: 'timeout' }],
  ])('%s: CcmTransportError %o', async (transport, expected) => {
    queue('getCollectStatus', transport, transport === 'hang' ? { hangMs: 2000 } : {});
    try {
      const c = new CcmClient({
        endpoint: mock.endpoint,
        auth: SANDBOX,
        requestTimeoutMs: transport === 'hang' ? 100 : undefined,
      });
      const err = await c.getCollectStatus(1).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CcmTransportError);
      expect(err).toMatchObject({ operation: 'getCollectStatus', ...expected });
    } finally {
      mock.admin.clearFaults({ customer: 'sandbox' });
    }
  });

  it('soap-fault: CcmFaultError Server at HTTP 500', async () => {
    queue('collect', 'soap-fault');
    const err = await client.collect(1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CcmFaultError);
    expect(err).toMatchObject({ faultCode: 'Server', httpStatus: 500, operation: 'collect' });
  });

  it('an enroll carried out but its answer lost: the error says so, the order exists, and the client did not enroll again', async () => {
    const address = email();
    queue('enroll', 'reset', { after: true });
    const err = await client
      .enrollAndCollect({ username: 'Lost Answer', email: address, csr }, fast)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'network', operation: 'enroll', details: { mayHaveReachedService: true } });
    expect(mock.admin.orders({ customer: 'sandbox', email: address }).map((o) => o.email)).toEqual([address]);
  });

  it('polls lost to an overloaded service (503) are retried', async () => {
    queue('getCollectStatus', 'http503', { count: 2 });
    const polls: PollEvent[] = [];
    const cert = await client.enrollAndCollect(
      { username: 'Retried', email: email(), csr },
      { ...fast, onPoll: (e) => polls.push(e) },
    );
    expect(cert.orderNumber).toBeGreaterThan(0);
    expect(polls.map((p) => (p.error as CcmTransportError | undefined)?.details.httpStatus)).toEqual([503, 503]);
  });
});

describe('never repeats enroll or revoke on its own', () => {
  let reset: FakeEndpoint;
  beforeAll(async () => {
    reset = await fakeEndpoint((req) => {
      req.socket.destroy();
    });
  });
  afterAll(() => reset.close());

  it('a connection dropped after enroll was sent: one request, and an error saying it may have been processed', async () => {
    const c = new CcmClient({ endpoint: reset.url, auth: SANDBOX, orgId: 1001, secretKey: 's' });
    const err = await c
      .enrollAndCollect({ username: 'Once', email: 'once@example.com', csr }, fast)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CcmTransportError);
    expect(err).toMatchObject({ kind: 'network', operation: 'enroll', details: { mayHaveReachedService: true } });
    const revokeErr = await c.revoke(1).catch((e: unknown) => e);
    expect(revokeErr).toMatchObject({ kind: 'network', operation: 'revoke', details: { mayHaveReachedService: true } });
    expect(reset.requests.map((r) => /<ns0:(\w+)/.exec(r)?.[1])).toEqual(['enroll', 'revoke']);
  });

  it('an abort while enroll is in flight says it may have reached the service; an abort before sending, or of a poll, does not', async () => {
    let controller = new AbortController();
    const hung = await fakeEndpoint(() => controller.abort()); // the request arrived: now the caller gives up
    try {
      const c = new CcmClient({ endpoint: hung.url, auth: SANDBOX, orgId: 1001, secretKey: 's' });
      const inFlight = await c
        .enroll({ username: 'Once', email: 'once@example.com', csr }, { signal: controller.signal })
        .catch((e: unknown) => e);
      expect(inFlight).toBeInstanceOf(CcmAbortError);
      expect(inFlight).toMatchObject({ operation: 'enroll', details: { mayHaveReachedService: true } });
      expect((inFlight as Error).message).toMatch(/may have been carried out/);

      controller = new AbortController();
      const poll = await c.getCollectStatus(5, { signal: controller.signal }).catch((e: unknown) => e);
      expect(poll).toBeInstanceOf(CcmAbortError);
      expect((poll as CcmAbortError).details.mayHaveReachedService).toBeUndefined();

      const before = await c
        .enroll({ username: 'Once', email: 'once@example.com', csr }, { signal: AbortSignal.abort() })
        .catch((e: unknown) => e);
      expect(before).toMatchObject({ operation: 'enroll' });
      expect((before as CcmAbortError).details.mayHaveReachedService).toBeUndefined();
      expect(hung.requests).toHaveLength(2);
    } finally {
      await hung.close();
    }
  });

  it('an enroll answered -14 is reported, not repeated', async () => {
    const answers = await fakeEndpoint((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/xml;charset=utf-8' });
      res.end(
        `<?xml version='1.0' encoding='UTF-8'?><S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><ns2:enrollResponse xmlns:ns2="http://ws.epki.comodo.com/"><return>-14</return></ns2:enrollResponse></S:Body></S:Envelope>`,
      );
    });
    try {
      const c = new CcmClient({ endpoint: answers.url, auth: SANDBOX, orgId: 1001, secretKey: 's' });
      const err = await c
        .enrollAndCollect({ username: 'Once', email: 'once@example.com', csr }, fast)
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ code: -14, operation: 'enroll', meaning: 'An unknown error occurred!' });
      expect(answers.requests).toHaveLength(1);
    } finally {
      await answers.close();
    }
  });
});

describe('SOAP faults and transport failures', () => {
  it('a value the service cannot read: no fault, Metro passes it on as absent (-1: no order number)', async () => {
    expect(await client.call('getCollectStatus', { authData: SANDBOX, orderNumber: 'abc' as never })).toBe(-1);
  });

  it('a body over the size limit: a fault with HTTP 413', async () => {
    const err = await client
      .enroll({ username: 'Big', email: email(), csr: 'A'.repeat(1_100_000) })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CcmFaultError);
    expect(err).toMatchObject({ httpStatus: 413, operation: 'enroll' });
  });

  const cases: Array<
    [
      string,
      (req: unknown, res: import('node:http').ServerResponse) => void,
      Record<string, unknown>,
      (e: unknown) => void,
    ]
  > = [
    [
      'a SOAP fault at HTTP 200 is still a fault',
      (_q, res) => {
        res.writeHead(200, { 'Content-Type': 'text/xml' });
        res.end(
          '<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><S:Fault><faultcode>S:Server</faultcode><faultstring>boom</faultstring></S:Fault></S:Body></S:Envelope>',
        );
      },
      {},
      (e) => expect(e).toMatchObject({ faultCode: 'Server', faultString: 'boom', httpStatus: 200 }),
    ],
    [
      'an HTML error page is an http transport error',
      (_q, res) => {
        res.writeHead(503, { 'Content-Type': 'text/html' });
        res.end('<html><body><h1>Service Unavailable</h1></body></html>');
      },
      {},
      (e) => expect(e).toMatchObject({ kind: 'http', details: { httpStatus: 503 } }),
    ],
    [
      'a 200 that is not XML is malformed',
      (_q, res) => {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end('hello');
      },
      {},
      (e) => expect(e).toMatchObject({ kind: 'malformed' }),
    ],
    [
      'a 200 with another operation in the body is malformed',
      (_q, res) => {
        res.writeHead(200, { 'Content-Type': 'text/xml' });
        res.end(
          '<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><ns2:enrollResponse xmlns:ns2="x"><return>1</return></ns2:enrollResponse></S:Body></S:Envelope>',
        );
      },
      {},
      (e) => expect((e as Error).message).toMatch(/expected <getWebServiceInfoResponse>/),
    ],
    [
      'no answer within requestTimeoutMs is a timeout',
      () => undefined,
      { requestTimeoutMs: 50 },
      (e) => expect(e).toMatchObject({ kind: 'timeout' }),
    ],
  ];

  it.each(cases)('%s', async (_name, handler, options, check) => {
    const fake = await fakeEndpoint((req, res) => handler(req, res));
    try {
      const err = await new CcmClient({ endpoint: fake.url, auth: SANDBOX, ...options })
        .getWebServiceInfo()
        .catch((e: unknown) => e);
      expect(err instanceof CcmFaultError || err instanceof CcmTransportError).toBe(true);
      check(err);
    } finally {
      await fake.close();
    }
  });

  it('a certificate that cannot be read is malformed, with the start of it', async () => {
    const fake = await fakeEndpoint((_q, res) => {
      res.writeHead(200, { 'Content-Type': 'text/xml' });
      res.end(
        '<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><ns2:collectResponse xmlns:ns2="x"><return><statusCode>1</statusCode><certificate>bm90IGEgY2VydGlmaWNhdGU=</certificate></return></ns2:collectResponse></S:Body></S:Envelope>',
      );
    });
    try {
      const err = await new CcmClient({ endpoint: fake.url, auth: SANDBOX }).collect(5).catch((e: unknown) => e);
      expect(err).toMatchObject({ kind: 'malformed', details: { bodySnippet: 'bm90IGEgY2VydGlmaWNhdGU=' } });
    } finally {
      await fake.close();
    }
  });

  it('nothing listening: a network error that certainly did not reach the service', async () => {
    const err = await new CcmClient({ endpoint: await closedPortUrl(), auth: SANDBOX })
      .revoke(1)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CcmTransportError);
    expect(err).toMatchObject({ kind: 'network', details: { mayHaveReachedService: false } });
    expect((err as Error).message).toMatch(/ECONNREFUSED/);
  });
});
