import { describe, expect, it } from 'vitest';
import { contract, DEFAULT_NAMESPACE, OPERATIONS, renderWsdl } from '../wsdl/contract.js';
import { readWsdl } from '../wsdl/schema-model.js';

/** The published WSDL says what docs/wire-fidelity.md and the guide's signatures say. */

const children = (type: string) =>
  contract
    .childrenOf(type)
    .map((d) => `${d.name}:${d.type.name}[${d.minOccurs}..${d.maxOccurs === Infinity ? 'n' : d.maxOccurs}]`);

describe('wsdl/EPKIManager.wsdl', () => {
  it('is SOAP 1.1 document/literal, service EPKIService, namespace http://ws.epki.comodo.com/, unqualified children', () => {
    expect(contract.soapVersion).toBe('1.1');
    expect(contract.bindingStyle).toBe('document');
    expect(contract.serviceName).toBe('EPKIService');
    expect(contract.targetNamespace).toBe(DEFAULT_NAMESPACE);
    expect(contract.elementFormQualified).toBe(false);
  });

  it('has exactly the nine operations of the guide, soapAction "", wrappers named op / opResponse', () => {
    expect([...contract.operations.keys()].sort()).toEqual([...OPERATIONS].sort());
    for (const op of contract.operations.values()) {
      expect(op.soapAction).toBe('');
      expect(op.inputElement).toBe(op.name);
      expect(op.outputElement).toBe(op.name + 'Response');
    }
  });

  it("names wrapper children exactly like the guide's arguments, optional as JAX-WS makes boxed types", () => {
    const enroll = [
      'authData:AuthData[0..1]',
      'orgId:int[0..1]',
      'secretKey:string[0..1]',
      'username:string[0..1]',
      'email:string[0..1]',
      'csr:string[0..1]',
    ];
    expect(children('enroll')).toEqual(enroll);
    expect(children('enrollUsingKUTemplates')).toEqual([...enroll, 'kuTemplate:KUTemplate[0..n]']);
    expect(children('getCollectStatus')).toEqual(['authData:AuthData[0..1]', 'orderNumber:int[0..1]']);
    expect(children('collect')).toEqual(['authData:AuthData[0..1]', 'orderNumber:int[0..1]']);
    expect(children('revoke')).toEqual(['authData:AuthData[0..1]', 'orderNumber:int[0..1]', 'reason:string[0..1]']);
    expect(children('revokeBySerialNumber')).toEqual([
      'authData:AuthData[0..1]',
      'serialNumber:string[0..1]',
      'reason:string[0..1]',
    ]);
    expect(children('revokeAllByPerson')).toEqual([
      'authData:AuthData[0..1]',
      'email:string[0..1]',
      'org:string[0..1]',
      'dep:string[0..1]',
    ]);
    expect(children('getKUTemplates')).toEqual(['authData:AuthData[0..1]']);
    expect(children('getWebServiceInfo')).toEqual([]);
  });

  it('returns results in <return>: ints, SMIMECollectResponse extending abstractResponse, a repeated KUTemplate list, a string', () => {
    for (const op of [
      'enroll',
      'enrollUsingKUTemplates',
      'getCollectStatus',
      'revoke',
      'revokeBySerialNumber',
      'revokeAllByPerson',
    ]) {
      expect(children(op + 'Response')).toEqual(['return:int[0..1]']);
    }
    expect(children('collectResponse')).toEqual(['return:SMIMECollectResponse[0..1]']);
    expect(contract.types.get('SMIMECollectResponse')?.base).toBe('abstractResponse');
    expect(contract.types.get('abstractResponse')?.abstract).toBe(true);
    expect(children('SMIMECollectResponse')).toEqual(['statusCode:int[1..1]', 'certificate:string[0..1]']);
    expect(children('getKUTemplatesResponse')).toEqual(['return:KUTemplate[0..n]']);
    expect(children('getWebServiceInfoResponse')).toEqual(['return:string[0..1]']);
  });

  it('has the data types of the guide (2.1.3 - 2.1.6)', () => {
    expect(children('AuthData')).toEqual([
      'login:string[0..1]',
      'password:string[0..1]',
      'customerLoginUri:string[0..1]',
    ]);
    expect(children('KUTemplate')).toEqual([
      'shortName:string[0..1]',
      'description:string[0..1]',
      'keyUsages:KeyUsage[0..n]',
      'extKeyUsages:ExtKeyUsage[0..n]',
    ]);
    expect(children('KeyUsage')).toEqual(['code:int[1..1]', 'name:string[0..1]']);
    expect(children('ExtKeyUsage')).toEqual(['code:string[0..1]', 'name:string[0..1]']);
  });

  it('renders for another namespace and address without changing anything else', () => {
    const rendered = readWsdl(renderWsdl('urn:other', 'http://mock.test/ws/EPKIManager'));
    expect(rendered.targetNamespace).toBe('urn:other');
    expect(rendered.address).toBe('http://mock.test/ws/EPKIManager');
    expect([...rendered.types.keys()]).toEqual([...contract.types.keys()]);
  });
});
