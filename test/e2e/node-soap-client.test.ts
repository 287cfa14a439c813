import * as soap from 'soap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import { certificatesOf } from '../support/certs.js';
import { readCsr } from '../support/fixtures.js';
import { verifySmime } from '../support/openssl.js';

/** node-soap, a WSDL-driven client, reads ?wsdl from the mock and calls every operation. */

let mock: MockServer;
let client: soap.Client;
const authData = { login: 'admin', password: 'sandbox', customerLoginUri: 'sandbox' };
beforeAll(async () => {
  mock = await createMockServer();
  client = await soap.createClientAsync(mock.wsdlUrl);
});
afterAll(() => mock.close());

const callOp = async (op: string, args: object) => (await client[`${op}Async`](args))[0];

describe('node-soap client', () => {
  it('targets the mock through the rewritten soap:address', () => {
    const port = (client as any).wsdl.definitions.services.EPKIService.ports.EPKIManagerPort;
    expect(port.location).toBe(mock.endpoint);
    expect(Object.keys(client.describe().EPKIService.EPKIManagerPort).sort()).toEqual([
      'collect',
      'enroll',
      'enrollUsingKUTemplates',
      'getCollectStatus',
      'getKUTemplates',
      'getWebServiceInfo',
      'revoke',
      'revokeAllByPerson',
      'revokeBySerialNumber',
    ]);
  });

  it('calls all nine operations', async () => {
    expect((await callOp('getWebServiceInfo', {})).return).toMatch(/ccm-mock/);
    const templates = (await callOp('getKUTemplates', { authData })).return;
    expect(templates.map((t: { shortName: string }) => t.shortName)).toContain('smime-standard');

    const base = { authData, orgId: 1001, secretKey: 'sandbox-secret', username: 'Node Soap', csr: readCsr() };
    const order = (await callOp('enroll', { ...base, email: 'node-soap@example.com' })).return;
    expect(order).toBeGreaterThan(0);
    const templated = (
      await callOp('enrollUsingKUTemplates', {
        ...base,
        email: 'node-soap2@example.com',
        kuTemplate: [{ shortName: 'smime-standard' }],
      })
    ).return;
    expect(templated).toBeGreaterThan(0);

    expect((await callOp('getCollectStatus', { authData, orderNumber: order })).return).toBe(1);
    const collected = (await callOp('collect', { authData, orderNumber: order })).return;
    expect(collected.statusCode).toBe(1);
    const [leaf, intermediate, root] = certificatesOf(collected.certificate);
    expect(verifySmime(leaf, root, intermediate)).toMatch(/OK/);

    expect((await callOp('revoke', { authData, orderNumber: order, reason: '' })).return).toBe(0);
    const serial = mock.store.get(templated)!.certificate!.serial;
    expect(
      (await callOp('revokeBySerialNumber', { authData, serialNumber: serial, reason: 'superseded' })).return,
    ).toBe(0);
    const person = (await callOp('enroll', { ...base, email: 'node-soap3@example.com' })).return;
    expect(
      (await callOp('revokeAllByPerson', { authData, email: 'node-soap3@example.com', org: 'Sandbox Org', dep: '' }))
        .return,
    ).toBe(0);
    expect(mock.store.get(person)!.state).toBe('revoked');
    // the person's one certificate revoked already, as revoke answers for its order
    expect(
      (await callOp('revokeAllByPerson', { authData, email: 'node-soap@example.com', org: 'Sandbox Org', dep: '' }))
        .return,
    ).toBe(-21);
    expect((await callOp('collect', { authData, orderNumber: templated })).return.statusCode).toBe(-21);
  });
});
