import { generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignWorkerPool } from '../../server/ca/sign-pool.js';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import { readCsr } from '../support/fixtures.js';
import { call, enrollXml, orderXml } from '../support/soap.js';

/** Signing in worker threads: the same signatures as the main thread, nothing lost when a worker dies. */

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

describe('SignWorkerPool', () => {
  it('signs exactly as node:crypto does on the main thread (PKCS#1 v1.5 is deterministic)', async () => {
    const pool = new SignWorkerPool(privateKey, 2);
    try {
      const inputs = Array.from({ length: 40 }, () => randomBytes(300));
      const signatures = await Promise.all(inputs.map((tbs) => pool.sign(tbs)));
      inputs.forEach((tbs, i) => expect(signatures[i].equals(sign('sha256', tbs, privateKey))).toBe(true));
    } finally {
      await pool.close();
    }
  });

  it('signs on the main thread when a worker stops, and says so once', async () => {
    const failures: string[] = [];
    const pool = new SignWorkerPool(privateKey, 1, (m) => failures.push(m));
    try {
      const tbs = randomBytes(200);
      expect((await pool.sign(tbs)).equals(sign('sha256', tbs, privateKey))).toBe(true);
      // a worker dies with jobs in flight
      const inFlight = Array.from({ length: 20 }, () => randomBytes(200));
      const pending = inFlight.map((t) => pool.sign(t));
      await (pool as unknown as { slots: { worker: { terminate(): Promise<number> } }[] }).slots[0].worker.terminate();
      const signatures = await Promise.all(pending);
      inFlight.forEach((t, i) => expect(signatures[i].equals(sign('sha256', t, privateKey))).toBe(true));
      expect(pool.size).toBe(0);
      expect((await pool.sign(tbs)).equals(sign('sha256', tbs, privateKey))).toBe(true);
      expect(failures).toHaveLength(1);
    } finally {
      await pool.close();
    }
  });
});

describe('enroll with signing workers', () => {
  let pooled: MockServer;
  let inline: MockServer;
  beforeAll(async () => {
    pooled = await createMockServer({ signWorkers: '2', seed: 'same-seed' });
    inline = await createMockServer({ signWorkers: '0', seed: 'same-seed', ca: pooled.ca });
  });
  afterAll(async () => {
    await pooled.close();
    await inline.close();
  });

  it('issues at once, with the same order numbers and serials as signing inline', async () => {
    expect(pooled.signWorkers).toBe(2);
    // one after another, so both servers see the same sequence of draws
    const pooledOrders: number[] = [];
    const inlineOrders: number[] = [];
    for (let i = 0; i < 5; i++) {
      pooledOrders.push(
        (await call(pooled.endpoint, 'enroll', enrollXml({ email: `seq${i}@example.com`, csr: readCsr() }))).code,
      );
      inlineOrders.push(
        (await call(inline.endpoint, 'enroll', enrollXml({ email: `seq${i}@example.com`, csr: readCsr() }))).code,
      );
    }
    expect(pooledOrders).toEqual(inlineOrders);
    expect(pooledOrders.map((n) => pooled.store.get(n)!.certificate!.serial)).toEqual(
      inlineOrders.map((n) => inline.store.get(n)!.certificate!.serial),
    );

    // and many at once: every order issued and collectable on the spot, its certificate signed by the CA
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        call(pooled.endpoint, 'enroll', enrollXml({ email: `pool${i}@example.com`, csr: readCsr() })),
      ),
    );
    const numbers = answers.map((a) => a.code);
    expect(new Set(numbers).size).toBe(30);
    const issuer = pooled.ca.issuing.x509;
    for (const n of numbers) {
      expect((await call(pooled.endpoint, 'collect', orderXml(n))).code).toBe(1);
      const cert = new X509Certificate(Buffer.from(pooled.store.get(n)!.certificate!.der, 'base64'));
      expect(cert.verify(issuer.publicKey)).toBe(true);
    }
  });
});
