import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import { csrPath } from '../support/fixtures.js';
import { shaped } from '../support/json.js';
import { z } from 'zod';

/**
 * Real third-party SOAP clients, written by nobody on this project, load ?wsdl from the running mock and
 * call all nine operations (Debian's python3-zeep with strict WSDL parsing, and PHP's SoapClient).
 * They also meet a SOAP 1.1 fault (a mock with another namespace) and must report its code and message.
 */

let mock: MockServer;
let otherNamespace: MockServer;
beforeAll(async () => {
  mock = await createMockServer();
  otherNamespace = await createMockServer({ namespace: 'http://smime.ws.epki.comodo.com/', ca: mock.ca });
});
afterAll(async () => {
  await mock.close();
  await otherNamespace.close();
});

const clients = join(import.meta.dirname, 'clients');
/** The one JSON line each client script prints (test/interop/clients/). */
const ClientReport = z.object({
  getWebServiceInfo: z.string(),
  getKUTemplates: z.array(z.string()),
  enroll: z.number(),
  enrollUsingKUTemplates: z.number(),
  getCollectStatus: z.number(),
  collect: z.unknown(),
  revoke: z.number(),
  revokeBySerialNumber: z.number(),
  revokeAllByPerson: z.number(),
  afterRevokeAll: z.number(),
  badAuth: z.number(),
  fault: z.object({ code: z.string(), message: z.string() }),
  keyUsagesOfFirst: z.unknown().optional(),
});
type ClientReport = z.infer<typeof ClientReport>;

// asynchronous on purpose: the mock runs in this process and must keep answering while the client runs
const run = async (cmd: string, args: string[]): Promise<ClientReport> =>
  shaped(ClientReport, JSON.parse((await promisify(execFile)(cmd, args, { encoding: 'utf8' })).stdout));

const expectAllNine = (out: ClientReport) => {
  expect(out.getWebServiceInfo).toMatch(/ccm-mock/);
  expect(out.getKUTemplates).toContain('smime-standard');
  expect(out.enroll).toBeGreaterThan(0);
  expect(out.enrollUsingKUTemplates).toBeGreaterThan(0);
  expect(out.getCollectStatus).toBe(1);
  expect(out.collect).toEqual({ statusCode: 1, hasCertificate: true });
  expect(out.revoke).toBe(0);
  expect(out.revokeBySerialNumber).toBe(0);
  expect(out.revokeAllByPerson).toBe(0);
  expect(out.afterRevokeAll).toBe(-21);
  expect(out.badAuth).toBe(-100);
  expect(out.fault.code).toMatch(/Client$/);
  expect(out.fault.message).toBe('Cannot find dispatch method for {http://ws.epki.comodo.com/}getWebServiceInfo');
};

describe('third-party SOAP clients', () => {
  it('python-zeep (strict) calls all nine operations', async () => {
    const out = await run('/usr/bin/python3', [
      join(clients, 'zeep_client.py'),
      mock.wsdlUrl,
      csrPath('rsa-2048.csr'),
      otherNamespace.endpoint,
    ]);
    expectAllNine(out);
    expect(out.keyUsagesOfFirst).toEqual([
      [0, 'Digital Signature'],
      [2, 'Key Encipherment'],
    ]);
  });

  it('PHP SoapClient calls all nine operations', async () => {
    const out = await run('php', [
      '-d',
      'soap.wsdl_cache_enabled=0',
      join(clients, 'php_client.php'),
      mock.wsdlUrl,
      csrPath('rsa-2048.csr'),
      otherNamespace.endpoint,
    ]);
    expectAllNine(out);
  });
});
