import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestCa } from '../../server/ca/test-ca.js';
import type { Order } from '../../server/domain/orders.js';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import { MemoryOrderStore } from '../../server/store/memory-store.js';
import { readCsr } from '../support/fixtures.js';
import { tempDir } from '../support/openssl.js';
import { authXml, call, enrollXml, orderXml, xmlEl, type Auth } from '../support/soap.js';

/**
 * What one customer can learn of another's orders: nothing. Another customer's order answers -2 exactly as a
 * number never issued, and is not even read to say so (counted at the store, not timed); order numbers are
 * drawn per customer from the seed, so they neither count anyone's traffic nor move with it.
 */

const OTHER: Auth = { login: 'other-admin', password: 'other', customerLoginUri: 'other' };
/** An enroll that must succeed: its order number. */
const enrollAs = async (mock: MockServer, auth: Auth | undefined, email: string) => {
  const fields = auth ? { auth, orgId: 2001, secretKey: 'other-secret' } : {};
  const n = (await call(mock.endpoint, 'enroll', enrollXml({ ...fields, email, csr: readCsr() }))).code;
  expect(n, email).toBeGreaterThan(0);
  return n;
};

/** A memory store that counts the orders it hands over by number or by serial. */
class CountingStore extends MemoryOrderStore {
  handedOver = 0;
  override get(orderNumber: number, customerUri?: string): Order | undefined {
    const order = super.get(orderNumber, customerUri);
    if (order) this.handedOver++;
    return order;
  }
  override getBySerial(serial: string, customerUri?: string): Order | undefined {
    const order = super.getBySerial(serial, customerUri);
    if (order) this.handedOver++;
    return order;
  }
}

let ca: TestCa;
beforeAll(async () => {
  const first = await createMockServer();
  ca = first.ca;
  await first.close();
});

describe("another customer's order", () => {
  const store = new CountingStore();
  let mock: MockServer;
  beforeAll(async () => {
    mock = await createMockServer({ ca, store });
  });
  afterAll(() => mock.close());

  it('answers -2 as a number never issued, for every operation naming it, without the store reading it', async () => {
    const theirs = await enrollAs(mock, undefined, 'private@example.com');
    const serial = mock.store.get(theirs)!.certificate!.serial;
    const missing = 1_234_567;
    expect(mock.store.get(missing)).toBeUndefined();
    store.handedOver = 0;
    for (const n of [theirs, missing]) {
      expect((await call(mock.endpoint, 'getCollectStatus', orderXml(n, OTHER))).code).toBe(-2);
      expect((await call(mock.endpoint, 'collect', orderXml(n, OTHER))).code).toBe(-2);
      expect((await call(mock.endpoint, 'revoke', orderXml(n, OTHER, xmlEl('reason', 'x')))).code).toBe(-2);
    }
    const bySerial = authXml(OTHER) + xmlEl('serialNumber', serial) + xmlEl('reason', 'x');
    expect((await call(mock.endpoint, 'revokeBySerialNumber', bySerial)).code).toBe(-4); // serial number not found
    expect(store.handedOver).toBe(0);
    // its owner still reads it
    expect((await call(mock.endpoint, 'getCollectStatus', orderXml(theirs))).code).toBe(1);
    expect(store.handedOver).toBe(1);
  });
});

describe('order numbers', () => {
  /** sandbox's numbers for `count` enrolls, with another customer enrolling between them or not */
  async function sandboxNumbers(seed: string, interleaved: boolean, count = 4): Promise<number[]> {
    const mock = await createMockServer({ seed, ca });
    try {
      const numbers: number[] = [];
      for (let i = 0; i < count; i++) {
        numbers.push(await enrollAs(mock, undefined, `n${i}@example.com`));
        if (interleaved) for (let j = 0; j < 3; j++) await enrollAs(mock, OTHER, `busy${i}-${j}@other.example.net`);
      }
      return numbers;
    } finally {
      await mock.close();
    }
  }

  it('are drawn per customer from the seed: the same whatever another customer does, and telling nothing of its traffic', async () => {
    const alone = await sandboxNumbers('numbers-seed', false);
    const busy = await sandboxNumbers('numbers-seed', true);
    expect(busy).toEqual(alone);
    expect(new Set(alone).size).toBe(4);
    for (const n of alone) {
      expect(n).toBeGreaterThanOrEqual(1_000_000);
      expect(n).toBeLessThan(2 ** 31 - 1); // xs:int's largest is left for "a number no account has"
    }
    // nothing to count: consecutive enrolls are not consecutive numbers
    expect(alone.slice(1).some((n, i) => Math.abs(n - alone[i]) <= 3)).toBe(false);
    expect(await sandboxNumbers('another-seed', false)).not.toEqual(alone);
  });

  it("start over with a full reset or the customer's own, and never repeat a number still stored", async () => {
    const mock = await createMockServer({ seed: 'numbers-reset', ca });
    try {
      const first = [
        await enrollAs(mock, undefined, 'a@example.com'),
        await enrollAs(mock, undefined, 'b@example.com'),
      ];
      const theirs = await enrollAs(mock, OTHER, 'kept@other.example.net');
      mock.admin.reset({ customer: 'sandbox' });
      expect([
        await enrollAs(mock, undefined, 'a@example.com'),
        await enrollAs(mock, undefined, 'b@example.com'),
      ]).toEqual(first);
      expect(mock.store.get(theirs)?.customerUri).toBe('other');
      mock.admin.reset();
      expect(await enrollAs(mock, undefined, 'a@example.com')).toBe(first[0]);
    } finally {
      await mock.close();
    }
    // a restart on the same data directory and seed draws the same numbers again: those stored are skipped
    const dataDir = tempDir();
    const before = await createMockServer({ seed: 'numbers-restart', ca, dataDir });
    const kept = [
      await enrollAs(before, undefined, 'a@example.com'),
      await enrollAs(before, undefined, 'b@example.com'),
    ];
    await before.close();
    const after = await createMockServer({ seed: 'numbers-restart', ca, dataDir });
    try {
      const next = await enrollAs(after, undefined, 'c@example.com');
      expect(kept).not.toContain(next);
      expect(after.store.count()).toBe(3);
    } finally {
      await after.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
