import * as soap from 'soap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import type { OperationName } from '../../wsdl/contract.js';
import type { OperationArgs, OperationResults } from '../../wsdl/types.js';
import { certificatesOf } from '../support/certs.js';
import { readCsr } from '../support/fixtures.js';
import { shaped } from '../support/json.js';
import { verifySmime } from '../support/openssl.js';
import { z } from 'zod';

/** node-soap, a WSDL-driven client, reads ?wsdl from the mock and calls every operation. */

let mock: MockServer;
let client: soap.Client;
const authData = { login: 'admin', password: 'sandbox', customerLoginUri: 'sandbox' };
beforeAll(async () => {
  mock = await createMockServer();
  client = await soap.createClientAsync(mock.wsdlUrl);
});
afterAll(() => mock.close());

/**
 * One operation through node-soap's generated `<op>Async` method. node-soap types its methods and results as any;
 * it decodes the answer by the WSDL, so the result is typed by wsdl/types.ts, the TypeScript mirror of that WSDL.
 */
async function callOp<Op extends OperationName>(op: Op, args: OperationArgs[Op]): Promise<OperationResults[Op]> {
  const method: unknown = client[`${op}Async`];
  if (typeof method !== 'function') throw new Error(`node-soap made no ${op}Async method`);
  const [result] = await (method as (args: OperationArgs[Op]) => Promise<[{ return: OperationResults[Op] }]>).call(
    client,
    args,
  );
  return result.return;
}

describe('node-soap client', () => {
  it('targets the mock through the rewritten soap:address', () => {
    const port = client.wsdl.definitions.services.EPKIService.ports.EPKIManagerPort;
    expect(port.location).toBe(mock.endpoint);
    const Described = z.object({ EPKIService: z.object({ EPKIManagerPort: z.record(z.string(), z.unknown()) }) });
    expect(Object.keys(shaped(Described, client.describe()).EPKIService.EPKIManagerPort).sort()).toEqual([
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
    expect(await callOp('getWebServiceInfo', {})).toMatch(/ccm-mock/);
    const templates = await callOp('getKUTemplates', { authData });
    expect(templates.map((t) => t.shortName)).toContain('smime-standard');

    const base = { authData, orgId: 1001, secretKey: 'sandbox-secret', username: 'Node Soap', csr: readCsr() };
    const order = await callOp('enroll', { ...base, email: 'node-soap@example.com' });
    expect(order).toBeGreaterThan(0);
    const templated = await callOp('enrollUsingKUTemplates', {
      ...base,
      email: 'node-soap2@example.com',
      kuTemplate: [{ shortName: 'smime-standard' }],
    });
    expect(templated).toBeGreaterThan(0);

    expect(await callOp('getCollectStatus', { authData, orderNumber: order })).toBe(1);
    const collected = await callOp('collect', { authData, orderNumber: order });
    expect(collected.statusCode).toBe(1);
    const [leaf, intermediate, root] = certificatesOf(collected.certificate!);
    expect(verifySmime(leaf, root, intermediate)).toMatch(/OK/);

    expect(await callOp('revoke', { authData, orderNumber: order, reason: '' })).toBe(0);
    const serial = mock.store.get(templated)!.certificate!.serial;
    expect(await callOp('revokeBySerialNumber', { authData, serialNumber: serial, reason: 'superseded' })).toBe(0);
    const person = await callOp('enroll', { ...base, email: 'node-soap3@example.com' });
    expect(
      await callOp('revokeAllByPerson', { authData, email: 'node-soap3@example.com', org: 'Sandbox Org', dep: '' }),
    ).toBe(0);
    expect(mock.store.get(person)!.state).toBe('revoked');
    // the person's one certificate revoked already, as revoke answers for its order
    expect(
      await callOp('revokeAllByPerson', { authData, email: 'node-soap@example.com', org: 'Sandbox Org', dep: '' }),
    ).toBe(-21);
    expect((await callOp('collect', { authData, orderNumber: templated })).statusCode).toBe(-21);
  });
});
