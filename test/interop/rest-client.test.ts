import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import { csrPath } from '../support/fixtures.js';

/**
 * A third-party REST client against the running mock: python-cert_manager's S/MIME flow written with Debian's
 * python3-requests (PyPI is not reachable), call for call as that library sends and reads them
 * (test/interop/clients/rest_client.py). Run against a mock with the default wire profile (collect of a revoked
 * certificate: -110, a plain HTTPError) and one with restRevokedCollectCode -192 (python-cert_manager's RevokedError).
 */

let mock: MockServer;
let py: MockServer;
beforeAll(async () => {
  mock = await createMockServer({ seed: 'interop-rest' });
  py = await createMockServer({ seed: 'interop-rest-192', restRevokedCollectCode: '-192', ca: mock.ca });
});
afterAll(async () => {
  await mock.close();
  await py.close();
});

// asynchronous on purpose: the mock runs in this process and must keep answering while the client runs
const flow = async (target: MockServer): Promise<Record<string, unknown>> =>
  JSON.parse(
    (
      await promisify(execFile)(
        '/usr/bin/python3',
        [
          join(import.meta.dirname, 'clients', 'rest_client.py'),
          `${target.url}/api`,
          csrPath('rsa-2048.csr'),
          'example.com',
        ],
        { encoding: 'utf8' },
      )
    ).stdout,
  ) as Record<string, unknown>;

const expectTheFlow = (out: Record<string, unknown>) => {
  expect(out.organizations).toEqual([1001]);
  expect(out.types).toEqual(['ccm-mock S/MIME Standard', 'ccm-mock S/MIME Signing']);
  expect(out.customFields).toEqual(['employeeNumber', 'costCenter']);
  expect(out.enroll).toEqual(['backendCertId', 'orderNumber']);
  expect(out.pendingErrors).toBe(2);
  expect(out.collect).toEqual({ pkcs7: true, emails: ['py-rest+pending2@example.com'] });
  expect(out.renewed).toBe(true);
  expect(out.listed).toEqual({ count: 3, unique: 3, hasRevoked: true });
  expect(out.byEmail).toEqual(out.expectedByEmail);
  expect(out.afterRevokeByEmail).toEqual(['revoked', 'revoked']);
  expect(out.personFound).toBe(true);
  expect(out.personCreated).toBe(true);
  expect(out.badLogin).toEqual({ status: 401, code: -16, description: 'Unknown user' });
};

describe("python-cert_manager's REST flow with python3-requests", () => {
  it('against the default wire profile: every call works; a revoked collect is a plain HTTPError with -110', async () => {
    const out = await flow(mock);
    expectTheFlow(out);
    expect(out.afterRevoke).toEqual({ raised: 'HTTPError', status: 400, code: -110 });
    const orders = mock.admin.orders({ customer: 'sandbox' });
    expect(orders.length).toBe(3);
    expect(orders.every((o) => o.api === 'rest')).toBe(true);
  });

  it('with restRevokedCollectCode -192: the revoked collect raises RevokedError', async () => {
    const out = await flow(py);
    expectTheFlow(out);
    expect(out.afterRevoke).toEqual({ raised: 'RevokedError', code: -192 });
  });
});
