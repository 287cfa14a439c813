import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { beforeEach, test } from 'node:test';
import { CcmClient, generateKeyAndCsr } from 'ccm-mock/client';

const url = process.env.CCM_URL;
const root = new X509Certificate(process.env.CCM_ROOT_PEM);
const client = new CcmClient({
  endpoint: url,
  auth: { customerLoginUri: 'sandbox', login: 'admin', password: 'sandbox' },
  orgId: 1001,
  secretKey: 'sandbox-secret',
});

/** The admin API, for what SOAP cannot do: reset this file's customer, list its orders. */
async function admin(path, body) {
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

test("enrolls and collects a certificate that chains to the mock's root, dated by the frozen clock", async () => {
  const { csrPem } = await generateKeyAndCsr({ email: 'alice@example.com' });
  const cert = await client.enrollAndCollect({ username: 'Alice', email: 'alice@example.com', csr: csrPem });

  assert.deepEqual(cert.emails, ['alice@example.com']);
  assert.equal(cert.leaf.notBefore.toISOString(), '2030-01-01T00:00:00.000Z');
  const leaf = new X509Certificate(cert.leafPem);
  const issuing = new X509Certificate(cert.chain[0].toString('pem'));
  assert.ok(leaf.verify(issuing.publicKey));
  assert.ok(issuing.verify(root.publicKey));
});

test("sees none of the previous test's orders", async () => {
  assert.deepEqual(await admin('/orders?customer=sandbox'), []);
});
