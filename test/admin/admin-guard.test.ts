import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../server/config.js';
import { CA_PATHS } from '../../server/ca/urls.js';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import { readCsr } from '../support/fixtures.js';
import { rawRequest } from '../support/http.js';
import { tempDir } from '../support/openssl.js';
import { call, enrollXml, envelope } from '../support/soap.js';

/**
 * The admin surface as an attacker's web page meets it: a cross-site POST (form, text/plain, Origin: null),
 * a DNS-rebound name, a frame. And the admin token's forms. The SOAP, WSDL, CA, CRL and OCSP routes answer
 * under any Host all the same (CI jobs reach the container by service name).
 */

let mock: MockServer;
let host: string;
beforeAll(async () => {
  mock = await createMockServer({ seed: 'guard', allowedHosts: 'ccm-mock,.ci.example' });
  host = new URL(mock.url).host;
});
afterAll(() => mock.close());

const request = (path: string, options: Parameters<typeof rawRequest>[1] = {}) => rawRequest(mock.url + path, options);
const pendingOrder = async () =>
  (await call(mock.endpoint, 'enroll', enrollXml({ email: 'guard+delay1h@example.com', csr: readCsr() }))).code;

describe('cross-site requests (CSRF)', () => {
  it('a cross-site POST /admin/api/reset does nothing, whatever its content type, Origin or Sec-Fetch-Site', async () => {
    const n = await pendingOrder();
    const attempts: Array<Record<string, string>> = [
      { 'content-type': 'text/plain' },
      { 'content-type': 'application/x-www-form-urlencoded' },
      { 'content-type': 'multipart/form-data; boundary=x' },
      {},
      { 'content-type': 'application/json', origin: 'https://evil.example' },
      { 'content-type': 'application/json', origin: 'null' },
      { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' },
      { 'content-type': 'application/json', 'sec-fetch-site': 'same-site' },
      { 'content-type': 'text/plain', origin: `http://${host}`, 'sec-fetch-site': 'same-origin' },
    ];
    for (const headers of attempts) {
      const res = await request('/admin/api/reset', { method: 'POST', headers, body: '{}' });
      expect([403, 415], JSON.stringify(headers)).toContain(res.status);
      expect(JSON.parse(res.text)).toMatchObject({ status: res.status });
    }
    expect(mock.store.get(n)?.state).toBe('processing');
    const refused = await request('/admin/api/reset', { method: 'POST', headers: { 'content-type': 'text/plain' } });
    expect((JSON.parse(refused.text) as { error: string }).error).toMatch(/takes Content-Type: application\/json/);
  });

  it('JSON from the same origin, or from a client that is no browser (curl), is served', async () => {
    const n = await pendingOrder();
    const json = { 'content-type': 'application/json; charset=utf-8' };
    expect((await request(`/admin/api/orders/${n}/approve`, { method: 'POST', headers: json })).status).toBe(200);
    const m = await pendingOrder();
    const sameOrigin = { ...json, origin: `http://${host}`, 'sec-fetch-site': 'same-origin' };
    expect((await request(`/admin/api/orders/${m}/reject`, { method: 'POST', headers: sameOrigin })).status).toBe(200);
    expect(mock.store.get(m)?.state).toBe('rejected');
    // DELETE and PATCH say application/json too
    expect((await request('/admin/api/faults', { method: 'DELETE' })).status).toBe(415);
    expect((await request('/admin/api/faults', { method: 'DELETE', headers: json })).status).toBe(200);
  });

  it("the page's form posts must come from the page itself: its own Origin, or Sec-Fetch-Site: same-origin", async () => {
    const n = await pendingOrder();
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    for (const headers of [
      form,
      { ...form, origin: 'null' },
      { ...form, origin: 'https://evil.example' },
      { ...form, 'sec-fetch-site': 'cross-site', origin: `http://${host}` },
      { ...form, 'sec-fetch-site': 'none' },
    ]) {
      const res = await request(`/admin/orders/${n}/approve`, { method: 'POST', headers, body: '' });
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(res.text).toMatch(/^cross-site request refused/);
    }
    expect(mock.store.get(n)?.state).toBe('processing');
    const ok = await request(`/admin/orders/${n}/approve`, {
      method: 'POST',
      headers: { ...form, 'sec-fetch-site': 'same-origin' },
      body: '',
    });
    expect(ok.status).toBe(303);
    expect(mock.store.get(n)?.state).toBe('issued');
  });
});

describe('DNS rebinding: the Host allow-list', () => {
  it('refuses the admin API and page under a name it does not know, with a line naming the setting', async () => {
    for (const path of ['/admin', '/admin/api/info', '/admin/orders/1']) {
      const res = await request(path, { headers: { host: 'rebound.attacker.example:8080' } });
      expect(res.status, path).toBe(403);
      expect(res.text).toMatch(/allowedHosts \(--allowed-hosts, CCM_MOCK_ALLOWED_HOSTS\)/);
      expect(res.text.trim().split('\n')).toHaveLength(1);
    }
    const post = await request('/admin/api/reset', {
      method: 'POST',
      headers: { host: 'rebound.attacker.example', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(post.status).toBe(403);
  });

  it('answers under IP literals, localhost and *.localhost, allowedHosts, and the public URL host', async () => {
    const port = new URL(mock.url).port;
    for (const name of [
      `127.0.0.1:${port}`,
      `[::1]:${port}`,
      '10.1.2.3',
      `localhost:${port}`,
      'LOCALHOST.',
      'tenant.localhost',
      'ccm-mock:8080',
      'runner-7.ci.example',
      'ci.example',
    ])
      expect((await request('/admin/api/info', { headers: { host: name } })).status, name).toBe(200);
    for (const name of ['ccm-mock.evil.example', 'evilci.example', 'localhost.evil.example', '127.0.0.1.nip.io'])
      expect((await request('/admin/api/info', { headers: { host: name } })).status, name).toBe(403);
    const pub = await createMockServer({ publicBaseUrl: 'https://ccm.example.test', ca: mock.ca });
    try {
      expect((await rawRequest(pub.url + '/admin/api/info', { headers: { host: 'ccm.example.test' } })).status).toBe(
        200,
      );
    } finally {
      await pub.close();
    }
  });

  it('leaves SOAP, the WSDL, CA downloads, the CRL and OCSP reachable under any Host', async () => {
    const headers = { host: 'ccm-mock-service:8080' };
    const soap = await request('/ws/EPKIManager', {
      method: 'POST',
      headers: { ...headers, 'content-type': 'text/xml; charset=utf-8' },
      body: envelope('getWebServiceInfo'),
    });
    expect(soap.status).toBe(200);
    expect((await request('/ws/EPKIManager?wsdl', { headers })).status).toBe(200);
    for (const path of [CA_PATHS.rootPem, CA_PATHS.chainPem, CA_PATHS.intermediateCrl, '/healthz', '/readyz'])
      expect((await request(path, { headers })).status, path).toBe(200);
  });
});

describe('headers of the admin surface', () => {
  it('forbid framing and sniffing, and caching what it shows', async () => {
    for (const path of ['/admin', '/admin/api/info', '/admin/orders/999999', '/admin/api/nothing']) {
      const res = await request(path);
      expect(res.headers['content-security-policy'], path).toMatch(/frame-ancestors 'none'/);
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });
});

describe('the admin token', () => {
  it('must be at least 16 characters, said at start', async () => {
    await expect(createMockServer({ adminToken: 'short', ca: mock.ca })).rejects.toThrow(ConfigError);
    await expect(createMockServer({ adminToken: 'short', ca: mock.ca })).rejects.toThrow(
      /admin token must be at least 16 characters, got 5/,
    );
  });

  it('may come from a file (its first line), not both from a file and a value', async () => {
    const dir = tempDir();
    const file = join(dir, 'token');
    writeFileSync(file, 'from-a-file-0123456789\n');
    const locked = await createMockServer({ adminTokenFile: file, ca: mock.ca });
    try {
      expect((await fetch(locked.url + '/admin/api/info')).status).toBe(401);
      const ok = await fetch(locked.url + '/admin/api/info', {
        headers: { Authorization: 'Bearer from-a-file-0123456789' },
      });
      expect(ok.status).toBe(200);
    } finally {
      await locked.close();
    }
    await expect(
      createMockServer({ adminTokenFile: file, adminToken: 'another-token-0123456789', ca: mock.ca }),
    ).rejects.toThrow(/adminToken or adminTokenFile, not both/);
    writeFileSync(file, '\n');
    await expect(createMockServer({ adminTokenFile: file, ca: mock.ca })).rejects.toThrow(/is empty/);
    await expect(createMockServer({ adminTokenFile: join(dir, 'missing'), ca: mock.ca })).rejects.toThrow(
      /cannot read the admin token file/,
    );
  });
});
