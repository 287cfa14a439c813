import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECENT_BUNDLES, RecentBundles } from '../../server/ca/bundle.js';
import { INTERMEDIATE_VARIANTS_KEPT, type IssuingFor } from '../../server/ca/intermediate-variants.js';
import { CA_PATHS } from '../../server/ca/urls.js';
import type { Order } from '../../server/domain/orders.js';
import { Lru } from '../../server/lib/lru.js';
import { MAX_RECORDED_CHARS, truncate } from '../../server/lib/truncate.js';
import { createLogger, soapCallLogger } from '../../server/logging.js';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import { WSDL_CACHE_SIZE } from '../../server/soap/endpoint.js';
import { MemoryOrderStore } from '../../server/store/memory-store.js';
import type { OrderFilter } from '../../server/store/order-store.js';
import { adminClient, type AdminErrorBody, type OrderSummary } from '../support/admin.js';
import { rawRequest } from '../support/http.js';
import { call, envelope, orderXml, post, SANDBOX } from '../support/soap.js';

/**
 * Every cache, journal and queue a caller can fill is bounded, and each bound is proven here by filling it
 * past its size over loopback (counts, never timing): WSDLs and intermediates per Host header, collect's
 * bundles, the journal in entries and bytes, log lines, fault rules, and the orders a listing reads.
 */

let mock: MockServer;
beforeAll(async () => {
  mock = await createMockServer({ seed: 'bounds' });
});
afterAll(() => mock.close());

/** `n` requests, eight at a time, each with its own Host header. */
async function manyHosts(n: number, path: string, header = 'host'): Promise<number[]> {
  const statuses: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let i = next++; i < n; i = next++)
        statuses.push((await rawRequest(mock.url + path, { headers: { [header]: `host-${i}.example:8080` } })).status);
    }),
  );
  return statuses;
}

describe('caches keyed by what a caller sends', () => {
  it('an LRU keeps its capacity and drops the entry used least recently', () => {
    const lru = new Lru<string, number>(3);
    for (const k of ['a', 'b', 'c']) lru.set(k, k.charCodeAt(0));
    expect(lru.get('a')).toBe(97); // a is now the most recent
    lru.set('d', 100);
    expect([lru.has('a'), lru.has('b'), lru.has('c'), lru.has('d')]).toEqual([true, false, true, true]);
    for (let i = 0; i < 1000; i++) lru.getOrSet(`k${i}`, () => i);
    expect(lru.size).toBe(3);
    expect(() => new Lru(0)).toThrow(RangeError);
  });

  it(`WSDLs rendered per Host stay at ${WSDL_CACHE_SIZE} after 300 distinct Hosts, each answered with its own address`, async () => {
    const statuses = await manyHosts(300, '/ws/EPKIManager?wsdl');
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(mock.app.wsdlCacheSize()).toBe(WSDL_CACHE_SIZE);
    const one = await rawRequest(mock.url + '/ws/EPKIManager?wsdl', { headers: { host: 'host-7.example:8080' } });
    expect(one.text).toContain('<soap:address location="http://host-7.example:8080/ws/EPKIManager"/>');
  });

  it(`intermediates re-signed per Host stay at ${INTERMEDIATE_VARIANTS_KEPT} after 150 distinct Hosts`, async () => {
    const statuses = await manyHosts(150, CA_PATHS.intermediatePem);
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect((mock.ca.issuingFor as IssuingFor).kept()).toBe(INTERMEDIATE_VARIANTS_KEPT);
  });

  it('X-Forwarded-Host is not honoured without trustProxy: no cache entry and no address of the caller`s choosing', async () => {
    const before = mock.app.wsdlCacheSize();
    const wsdl = await rawRequest(mock.url + '/ws/EPKIManager?wsdl', {
      headers: { 'x-forwarded-host': 'attacker.example', 'x-forwarded-proto': 'https' },
    });
    expect(wsdl.text).not.toContain('attacker.example');
    expect(wsdl.text).toContain(`<soap:address location="${mock.endpoint}"/>`);
    expect(mock.app.wsdlCacheSize()).toBe(before);
    const trusting = await createMockServer({ trustProxy: true, ca: mock.ca });
    try {
      const proxied = await rawRequest(trusting.url + '/ws/EPKIManager?wsdl', {
        headers: { 'x-forwarded-host': 'ccm.example.test', 'x-forwarded-proto': 'https' },
      });
      expect(proxied.text).toContain('<soap:address location="https://ccm.example.test/ws/EPKIManager"/>');
    } finally {
      await trusting.close();
    }
  });

  it('a Host header longer than a host name can be is not used as one', async () => {
    const long = 'a'.repeat(300) + '.example';
    const wsdl = await rawRequest(mock.url + '/ws/EPKIManager?wsdl', { headers: { host: long } });
    expect(wsdl.text).not.toContain(long);
  });

  it(`collect's bundles stay at ${RECENT_BUNDLES} after ${RECENT_BUNDLES + 100} distinct leaves`, () => {
    const bundles = new RecentBundles('pkcs7');
    const leaf = mock.ca.root.der.toString('base64');
    for (let i = 0; i < RECENT_BUNDLES + 100; i++)
      bundles.of(i.toString(16), leaf, () => mock.ca.issuing.der, mock.ca.root.der);
    expect(bundles.size).toBe(RECENT_BUNDLES);
  });
});

describe('the journal and the logs', () => {
  const huge = 'u'.repeat(256 * 1024);

  it('truncates what a caller sent, says so, and never splits a character', () => {
    expect(truncate('short')).toBe('short');
    const cut = truncate(huge);
    expect(cut.length).toBeLessThan(MAX_RECORDED_CHARS + 40);
    expect(cut).toMatch(/\.\.\.\[261888 more chars\]$/);
    expect(truncate('x'.repeat(MAX_RECORDED_CHARS - 1) + '😀😀')).toMatch(/^x+\.\.\.\[4 more chars\]$/);
  });

  it('bounds the journal in bytes as well as entries, and answers /admin/api/journal small, whatever callers send', async () => {
    const small = await createMockServer({ ca: mock.ca, journalSize: 1000, journalBytes: 16 * 1024 });
    try {
      // a wrapper in a 256 kB namespace: its fault quotes the namespace
      for (let i = 0; i < 60; i++) {
        const answer = await post(small.endpoint, envelope('getWebServiceInfo', '', `urn:${huge}`));
        expect(answer.status).toBe(500);
      }
      // a wrong password under a 256 kB customerLoginUri: the call authenticates as nobody
      const auth = { ...SANDBOX, password: 'wrong', customerLoginUri: huge };
      for (let i = 0; i < 3; i++)
        expect((await call(small.endpoint, 'getCollectStatus', orderXml(1, auth))).code).toBe(-100);
      expect(small.journal.size).toBeGreaterThan(10);
      expect(small.journal.size).toBeLessThan(63);
      expect(small.journal.heldBytes).toBeLessThanOrEqual(16 * 1024);
      const res = await fetch(`${small.url}/admin/api/journal?limit=1000`);
      const text = await res.text();
      expect(res.status).toBe(200);
      expect(text.length).toBeLessThanOrEqual(16 * 1024 + 2);
      const entries = JSON.parse(text) as Array<{ customer?: string; code?: number; fault?: string }>;
      expect(entries.filter((e) => e.fault?.endsWith('more chars]')).length).toBeGreaterThan(5);
      expect(entries.slice(-3).map((e) => [e.code, e.customer])).toEqual([
        [-100, undefined],
        [-100, undefined],
        [-100, undefined],
      ]);
    } finally {
      await small.close();
    }
  });

  it("cuts a SOAP call's log line to a bounded length: a 256 kB customer or fault makes no 256 kB line", () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = soapCallLogger(createLogger('info', sink));
    log({
      at: 0,
      operation: 'collect',
      customerUri: huge,
      fault: `Unmarshalling Error: ${huge}`,
      httpStatus: 500,
      latencyMs: 1,
    });
    expect(lines).toHaveLength(1);
    expect(lines[0].length).toBeLessThan(2 * MAX_RECORDED_CHARS + 400);
    expect(lines[0]).toContain('more chars]');
  });
});

describe('fault rules', () => {
  it('are capped (faultLimit) with a clear 400, all or none of a batch, and freed by clearing', async () => {
    const capped = await createMockServer({ ca: mock.ca, faultLimit: 5 });
    const admin = adminClient(capped.url);
    try {
      const rule = { customer: 'sandbox', operation: 'collect', code: -14, count: 9 };
      expect((await admin('POST', '/admin/api/faults', [rule, rule, rule, rule])).status).toBe(201);
      const batch = await admin<AdminErrorBody>('POST', '/admin/api/faults', [rule, rule]);
      expect(batch.status).toBe(400);
      expect(batch.body.error).toMatch(/at most 5 fault rules may be queued \(faultLimit\); 4 are, and 2 more/);
      expect(capped.faults.size).toBe(4);
      expect((await admin('POST', '/admin/api/faults', { ...rule, customer: 'other' })).status).toBe(201);
      expect((await admin('POST', '/admin/api/faults', rule)).status).toBe(400);
      expect((await admin<AdminErrorBody>('POST', '/admin/api/faults', { ...rule, count: 1e9 })).body.error).toMatch(
        /count must be at most 1000000/,
      );
      expect((await admin('DELETE', '/admin/api/faults?customer=other')).body).toEqual({ cleared: 1 });
      expect((await admin('POST', '/admin/api/faults', rule)).status).toBe(201);
      // indexed by customer: another customer's calls meet none of sandbox's rules
      expect(
        (
          await call(
            capped.endpoint,
            'collect',
            orderXml(1, { login: 'other-admin', password: 'other', customerLoginUri: 'other' }),
          )
        ).code,
      ).toBe(-2);
      expect(capped.faults.list('sandbox')).toHaveLength(5);
    } finally {
      await capped.close();
    }
  });
});

/** A memory store that counts what it reads and writes through the OrderStore interface. */
class CountingStore extends MemoryOrderStore {
  listed = 0;
  saved = 0;
  override list(filter?: OrderFilter): Order[] {
    const out = super.list(filter);
    this.listed += out.length;
    return out;
  }
  override save(order: Order): void {
    this.saved++;
    super.save(order);
  }
}

describe('listing orders', () => {
  it('reads and writes only the page asked for: 20,000 pending orders, ?limit=1', async () => {
    const store = new CountingStore();
    const busy = await createMockServer({ ca: mock.ca, store, clockStart: '2030-01-01', clockFrozen: true });
    const admin = adminClient(busy.url);
    try {
      const now = busy.clock.now();
      for (let n = 1; n <= 20_000; n++) {
        store.save({
          orderNumber: 1_000_000 + n,
          customerUri: 'sandbox',
          orgId: 1001,
          admin: 'admin',
          username: 'Pending',
          email: `pending${n}@example.com`,
          csr: 'MIIC',
          templates: [],
          baseUrl: busy.url,
          state: 'processing',
          next: { to: 'rejected', at: now + 3_600_000 + n },
          tags: ['reject'],
          polls: 0,
          createdAt: now - 20_000 + n,
          updatedAt: now,
          history: [{ at: now, state: 'processing', note: 'enrolled' }],
        });
      }
      store.listed = store.saved = 0;
      const page = await admin<OrderSummary[]>('GET', '/admin/api/orders?limit=1');
      expect(page.body.map((o) => o.orderNumber)).toEqual([1_020_000]);
      expect((await admin('GET', '/admin/api/orders?state=processing&limit=1')).body).toHaveLength(1);
      expect((await admin('GET', '/admin/api/orders?state=rejected&limit=1')).body).toEqual([]);
      expect((await fetch(`${busy.url}/admin`)).status).toBe(200); // the page lists 200
      expect(store.listed).toBeLessThanOrEqual(1 + 1 + 0 + 200);
      expect(store.saved).toBe(0); // nothing was due: nothing written

      // every step falls due: a page of one brings one order up to date, not 20,000
      busy.clock.advance(2 * 3_600_000);
      store.listed = store.saved = 0;
      const rejected = await admin('GET', '/admin/api/orders?state=rejected&limit=1');
      expect(rejected.body).toMatchObject([{ orderNumber: 1_020_000, state: 'rejected' }]);
      expect(store.saved).toBe(1);
      expect(store.listed).toBe(1);
      expect((await admin<OrderSummary[]>('GET', '/admin/api/orders?limit=1')).body[0].state).toBe('rejected');
      expect(store.saved).toBe(1); // already up to date: not written again
    } finally {
      await busy.close();
    }
  });
});
