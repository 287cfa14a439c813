import { X509Certificate } from 'node:crypto';
import { CcmClient, generateKeyAndCsr } from 'ccm-mock/client';
import { beforeEach, expect, inject, it } from 'vitest';

const { url, endpoint, rootPem } = inject('ccmMock');
const client = new CcmClient({
  endpoint,
  auth: { customerLoginUri: 'sandbox', login: 'admin', password: 'sandbox' },
  orgId: 1001,
  secretKey: 'sandbox-secret',
});

/** The admin API, for what SOAP cannot do: reset this file's customer, list its orders. */
async function admin(path: string, body?: object): Promise<unknown> {
  const res = await fetch(`${url}/admin/api${path}`, {
    method: body ? 'POST' : 'GET',
    headers: { 'content-type': 'application/json' },
    body: body && JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

// every test starts from a clean customer: its orders, faults, journal and organization settings are reset
beforeEach(() => admin('/reset', { customer: 'sandbox' }));

it("enrolls and collects a certificate that chains to the mock's root, dated by the frozen clock", async () => {
  const { csrPem } = await generateKeyAndCsr({ email: 'alice@example.com' });
  const cert = await client.enrollAndCollect({ username: 'Alice', email: 'alice@example.com', csr: csrPem });

  expect(cert.emails).toEqual(['alice@example.com']);
  expect(cert.leaf.notBefore.toISOString()).toBe('2030-01-01T00:00:00.000Z');
  const leaf = new X509Certificate(cert.leafPem);
  const issuing = new X509Certificate(cert.chain[0].toString('pem'));
  expect(leaf.verify(issuing.publicKey)).toBe(true);
  expect(issuing.verify(new X509Certificate(rootPem).publicKey)).toBe(true);
});

it("sees none of the previous test's orders", async () => {
  expect(await admin('/orders?customer=sandbox')).toEqual([]);
});
