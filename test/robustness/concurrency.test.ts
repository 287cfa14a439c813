import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountsFile } from '../../server/domain/accounts.js';
import type { Order } from '../../server/domain/orders.js';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import { Status } from '../../wsdl/status-codes.js';
import { defaultAccounts, readCsr } from '../support/fixtures.js';
import { authXml, call, enrollXml, orderXml, xmlEl, type Auth } from '../support/soap.js';

/**
 * Concurrency (issue 8, item 2): hundreds of calls in flight at once over real HTTP. Enrolls across
 * customers get unique order numbers and serials and every order is collectable with its own
 * certificate; revokes racing issuance answer -26 or 0 and leave every order in a consistent state.
 */

const CUSTOMERS = 5;
const extra = Array.from({ length: CUSTOMERS }, (_, i) => ({
  customerLoginUri: `load${i}`,
  admins: [{ login: `admin${i}`, password: `pw${i}`, organizations: 'all' }],
  organizations: [
    { orgId: 4001 + i, name: `Load Org ${i}`, secretKey: `secret${i}`, emailDomains: [`load${i}.example`] },
  ],
}));
const accounts = { customers: [...defaultAccounts().customers, ...extra] } as AccountsFile;

interface Who {
  auth: Auth;
  orgId: number;
  secretKey: string;
  domain: string;
}
const sandbox: Who = {
  auth: { login: 'admin', password: 'sandbox', customerLoginUri: 'sandbox' },
  orgId: 1001,
  secretKey: 'sandbox-secret',
  domain: 'example.com',
};
const other: Who = {
  auth: { login: 'other-admin', password: 'other', customerLoginUri: 'other' },
  orgId: 2001,
  secretKey: 'other-secret',
  domain: 'other.example.net',
};
const everyone: Who[] = [
  sandbox,
  other,
  ...extra.map((c, i) => ({
    auth: { login: `admin${i}`, password: `pw${i}`, customerLoginUri: c.customerLoginUri },
    orgId: 4001 + i,
    secretKey: `secret${i}`,
    domain: `load${i}.example`,
  })),
];

let mock: MockServer;
beforeAll(async () => {
  mock = await createMockServer({ accounts });
});
afterAll(() => mock.close());

const enroll = (who: Who, email: string) =>
  call(
    mock.endpoint,
    'enroll',
    enrollXml({ auth: who.auth, orgId: who.orgId, secretKey: who.secretKey, email, csr: readCsr() }),
  );

/** What must hold of every stored order, whatever interleaving produced it. */
function consistent(order: Order): void {
  const { state, certificate, revocation, history } = order;
  expect(history[history.length - 1].state, `order ${order.orderNumber}: last history entry`).toBe(state);
  if (state === 'issued' || state === 'revoked')
    expect(certificate, `order ${order.orderNumber}: ${state} without a certificate`).toBeDefined();
  if (state === 'revoked') expect(revocation).toBeDefined();
  else expect(revocation).toBeUndefined();
  if (certificate) {
    expect(mock.store.getBySerial(certificate.serial)?.orderNumber).toBe(order.orderNumber);
    expect(
      new X509Certificate(Buffer.from(certificate.der, 'base64')).serialNumber.toLowerCase().replace(/^0+/, ''),
    ).toBe(certificate.serial.replace(/^0+/, ''));
  }
  // states only move forward along the lifecycle
  const rank: Record<string, number> = {
    processing: 0,
    'awaiting-payment': 1,
    issuing: 2,
    issued: 3,
    rejected: 3,
    revoked: 4,
  };
  history.slice(1).forEach((h, i) => expect(rank[h.state]).toBeGreaterThanOrEqual(rank[history[i].state]));
}

describe('500 concurrent enrolls across customers', () => {
  it('get unique order numbers and serials, and every order is collectable with its own certificate', async () => {
    const requests = Array.from({ length: 500 }, (_, i) => {
      const who = everyone[i % everyone.length];
      return { who, email: `user${i}@${who.domain}` };
    });
    const answers = await Promise.all(requests.map((r) => enroll(r.who, r.email)));
    for (const a of answers) {
      expect(a.schemaProblems).toEqual([]);
      expect(a.code).toBeGreaterThan(0);
    }
    const numbers = answers.map((a) => a.code);
    expect(new Set(numbers).size).toBe(500);

    const collected = await Promise.all(
      requests.map((r, i) => call(mock.endpoint, 'collect', orderXml(numbers[i], r.who.auth))),
    );
    const serials = new Set<string>();
    collected.forEach((c, i) => {
      expect(c.code, `collect of order ${numbers[i]}`).toBe(1);
      const order = mock.store.get(numbers[i])!;
      expect(order.customerUri).toBe(requests[i].who.auth.customerLoginUri);
      expect(order.email).toBe(requests[i].email);
      const leaf = Buffer.from(order.certificate!.der, 'base64');
      expect(Buffer.from(c.fields.certificate, 'base64').includes(leaf)).toBe(true); // its own certificate, not a neighbour's
      expect(new X509Certificate(leaf).checkEmail(requests[i].email, { subject: 'never' })).toBe(requests[i].email);
      serials.add(order.certificate!.serial);
      consistent(order);
    });
    expect(serials.size).toBe(500);

    // and nobody sees another customer's orders
    const crossed = await Promise.all(
      numbers
        .slice(0, 50)
        .map((n, i) => call(mock.endpoint, 'collect', orderXml(n, everyone[(i + 1) % everyone.length].auth))),
    );
    for (const c of crossed) expect(c.code).toBe(-2);
  });
});

describe('revokes racing issuance', () => {
  /** Fire `calls` for each order all at once, shuffled together; `halfway` runs once half of them have answered. */
  async function race(
    orders: number[],
    calls: (n: number) => Array<() => Promise<{ op: string; n: number; code: number }>>,
    halfway?: () => void,
  ) {
    const all = orders.flatMap(calls);
    for (let i = all.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [all[i], all[j]] = [all[j], all[i]];
    }
    let answered = 0;
    return Promise.all(
      all.map(async (f) => {
        const r = await f();
        if (++answered === Math.floor(all.length / 2)) halfway?.();
        return r;
      }),
    );
  }
  const op = (name: string, n: number, inner: string) => async () => ({
    op: name,
    n,
    code: (await call(mock.endpoint, name, inner)).code,
  });

  it('an order being issued (+issuing2): each revoke answers -26 or 0, and the order ends consistent', async () => {
    const orders = (
      await Promise.all(Array.from({ length: 100 }, (_, i) => enroll(sandbox, `race${i}+issuing2@example.com`)))
    ).map((a) => a.code);
    const results = await race(orders, (n) => [
      op('getCollectStatus', n, orderXml(n)),
      op('getCollectStatus', n, orderXml(n)),
      op('getCollectStatus', n, orderXml(n)),
      op('revoke', n, orderXml(n, undefined, xmlEl('reason', 'key compromise'))),
    ]);
    for (const r of results) {
      if (r.op === 'revoke') expect([-26, 0]).toContain(r.code);
      else expect([0, 1, -21]).toContain(r.code);
    }
    for (const n of orders) {
      const order = mock.store.get(n)!;
      consistent(order);
      // three polls issue a +issuing2 order; a revoke after the third one revokes it
      const revoked = results.find((r) => r.op === 'revoke' && r.n === n)!.code === 0;
      expect(order.state).toBe(revoked ? 'revoked' : 'issued');
      expect((await call(mock.endpoint, 'collect', orderXml(n))).code).toBe(revoked ? -21 : 1);
    }
  });

  it('orders still processing while the clock moves on: revokes answer -26 or 0, and issuance happens exactly once', async () => {
    const orders = (
      await Promise.all(Array.from({ length: 100 }, (_, i) => enroll(sandbox, `clock${i}+delay5s@example.com`)))
    ).map((a) => a.code);
    const results = await race(
      orders,
      (n) => [
        op('revoke', n, orderXml(n)),
        op('getCollectStatus', n, orderXml(n)),
        op('revoke', n, orderXml(n)),
        op('collect', n, orderXml(n)),
      ],
      () => mock.clock.advance(5000), // the delay elapses in the middle of the race
    );
    expect(results.filter((r) => r.op === 'revoke' && r.code === -26).length).toBeGreaterThan(0);
    for (const r of results) {
      if (r.op === 'revoke')
        expect([-26, 0, -21]).toContain(r.code); // -21: this order's other revoke came first
      else expect([0, 1, -21]).toContain(r.code);
    }
    for (const n of orders) {
      const revokes = results.filter((r) => r.op === 'revoke' && r.n === n).map((r) => r.code);
      expect(revokes.filter((c) => c === 0).length).toBeLessThanOrEqual(1);
      if (revokes.includes(-21)) expect(revokes).toContain(0);
      const order = mock.store.get(n)!;
      consistent(order);
      expect(order.history.filter((h) => h.state === 'issued').length).toBeLessThanOrEqual(1);
      if (revokes.includes(0)) expect(order.state).toBe('revoked');
    }
  });

  it('revokeAllByPerson racing enrolls for the same person: 0 (or -21 when all was revoked already), and nothing half-revoked', async () => {
    const email = 'same.person@example.com';
    const work = [
      ...Array.from({ length: 60 }, () => async () => ({ op: 'enroll', code: (await enroll(sandbox, email)).code })),
      ...Array.from({ length: 20 }, () => async () => ({
        op: 'revokeAllByPerson',
        code: (
          await call(
            mock.endpoint,
            'revokeAllByPerson',
            authXml() + xmlEl('email', email) + xmlEl('org', 'Sandbox Org'),
          )
        ).code,
      })),
    ];
    const results = await Promise.all(work.sort(() => Math.random() - 0.5).map((f) => f()));
    for (const r of results) {
      if (r.op === 'revokeAllByPerson') expect([0, Status.REVOKED]).toContain(r.code);
      else expect(r.code).toBeGreaterThan(0);
    }
    const orders = mock.store.findByEmail('sandbox', 1001, email);
    expect(orders).toHaveLength(60);
    orders.forEach(consistent);
    for (const o of orders) expect(['issued', 'revoked']).toContain(o.state);
  });

  it('leaves the whole store consistent, every order number unique', () => {
    const all = mock.store.list();
    all.forEach(consistent);
    expect(new Set(all.map((o) => o.orderNumber)).size).toBe(all.length);
    expect(new Set(all.filter((o) => o.certificate).map((o) => o.certificate!.serial)).size).toBe(
      all.filter((o) => o.certificate).length,
    );
  });
});
