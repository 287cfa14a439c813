import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CcmTransportError } from '../../client/errors.js';
import { SoapTransport } from '../../client/soap.js';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import { DEFAULT_NAMESPACE } from '../../wsdl/contract.js';
import { rawPost } from '../support/http.js';
import { readCsr } from '../support/fixtures.js';
import {
  authXml,
  call,
  envelope,
  enrollXml,
  orderXml,
  post,
  SANDBOX,
  xmlEl,
  type SoapAnswer,
} from '../support/soap.js';

/**
 * The SOAP front end behaves like a JAX-WS (Metro) endpoint: lenient where JAXB is lenient, a SOAP 1.1
 * fault where Metro faults, and never a stack trace.
 */

let mock: MockServer;
let strict: MockServer;
beforeAll(async () => {
  mock = await createMockServer();
  strict = await createMockServer({ strict: true, ca: mock.ca });
});
afterAll(async () => {
  await mock.close();
  await strict.close();
});

function fault(answer: SoapAnswer, code: string, status = 500): SoapAnswer {
  expect(answer.status).toBe(status);
  expect(answer.contentType).toBe('text/xml;charset=utf-8');
  expect(answer.schemaProblems).toEqual([]); // a well-formed SOAP 1.1 fault
  expect(answer.fault?.code).toBe(`S:${code}`);
  expect(answer.fault?.string.length).toBeGreaterThan(10);
  expect(answer.text).not.toMatch(/\bat .*\.(ts|js):\d+/); // no stack trace
  expect(answer.text).toContain('<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/">');
  return answer;
}

describe('lenient like JAXB', () => {
  it('accepts authData members in any order (zeep order and UW order)', async () => {
    for (const order of [
      ['login', 'password', 'customerLoginUri'],
      ['customerLoginUri', 'login', 'password'],
      ['password', 'customerLoginUri', 'login'],
    ] as const) {
      const answer = await call(
        mock.endpoint,
        'getCollectStatus',
        authXml(SANDBOX, [...order]) + xmlEl('orderNumber', 1),
      );
      expect(answer.code).toBe(-2); // authenticated: the order simply does not exist
    }
  });

  it('accepts wrapper children in any order and ignores unknown elements', async () => {
    const inner =
      '<unknownThing>x</unknownThing>' +
      xmlEl('csr', readCsr()) +
      xmlEl('email', 'reordered@example.com') +
      xmlEl('username', 'Re Ordered') +
      authXml() +
      xmlEl('secretKey', 'sandbox-secret') +
      xmlEl('orgId', 1001) +
      '<extra><nested>1</nested></extra>';
    const answer = await call(mock.endpoint, 'enroll', inner);
    expect(answer.schemaProblems).toEqual([]);
    expect(answer.code).toBeGreaterThan(0);
  });

  it('answers a missing element through the business rules, not a fault', async () => {
    expect((await call(mock.endpoint, 'collect', xmlEl('orderNumber', 5))).code).toBe(-100); // no authData
    expect(
      (await call(mock.endpoint, 'collect', authXml({ login: 'admin', password: 'sandbox' }) + xmlEl('orderNumber', 5)))
        .code,
    ).toBe(-100);
    expect((await call(mock.endpoint, 'getCollectStatus', authXml())).code).toBe(-1); // no orderNumber
    expect((await call(mock.endpoint, 'enroll', enrollXml({ csr: undefined }))).code).toBe(-9); // no csr
  });

  it('ignores namespace-qualified children, as an unqualified schema reads them as unknown', async () => {
    const inner = `<ns0:authData xmlns:ns0="http://ws.epki.comodo.com/"><login>admin</login><password>sandbox</password><customerLoginUri>sandbox</customerLoginUri></ns0:authData>${xmlEl('orderNumber', 1)}`;
    expect((await call(mock.endpoint, 'getCollectStatus', inner)).code).toBe(-100);
  });

  it('accepts any prefixes, xsi:nil, whitespace around numbers and a SOAP Header', async () => {
    const xml =
      '<E:Envelope xmlns:E="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><E:Header><h:trace xmlns:h="urn:x">1</h:trace></E:Header><E:Body>' +
      `<tns:getCollectStatus xmlns:tns="http://ws.epki.comodo.com/">${authXml()}<orderNumber> 7 </orderNumber><extra xsi:nil="true"/></tns:getCollectStatus></E:Body></E:Envelope>`;
    expect((await post(mock.endpoint, xml)).code).toBe(-2);
  });

  it('accepts <URI> for customerLoginUri only when the profile asks for it', async () => {
    const inner =
      '<authData><login>admin</login><password>sandbox</password><URI>sandbox</URI></authData>' +
      xmlEl('orderNumber', 1);
    expect((await call(mock.endpoint, 'getCollectStatus', inner)).code).toBe(-100);
    const aliasing = await createMockServer({ acceptUriAlias: true, ca: mock.ca });
    try {
      expect((await call(aliasing.endpoint, 'getCollectStatus', inner)).code).toBe(-2);
    } finally {
      await aliasing.close();
    }
  });
});

describe('faults where Metro faults', () => {
  it('malformed XML', async () => {
    const answer = fault(
      await post(mock.endpoint, '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><x>'),
      'Client',
    );
    expect(answer.fault?.string).toMatch(/Couldn't create SOAP message/);
  });

  it('an empty request body, and an empty SOAP Body', async () => {
    fault(await post(mock.endpoint, ''), 'Client');
    const emptyBody = await post(
      mock.endpoint,
      '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body/></s:Envelope>',
    );
    expect(fault(emptyBody, 'Client').fault?.string).toMatch(/dispatch/);
  });

  it('a body that is not a SOAP 1.1 envelope, and a SOAP 1.2 envelope sent as text/xml: VersionMismatch', async () => {
    fault(await post(mock.endpoint, '<hello/>'), 'VersionMismatch');
    const soap12 =
      '<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body><n:getWebServiceInfo xmlns:n="http://ws.epki.comodo.com/"/></e:Body></e:Envelope>';
    const answer = fault(await post(mock.endpoint, soap12), 'VersionMismatch');
    expect(answer.fault?.string).toContain('http://www.w3.org/2003/05/soap-envelope');
  });

  it('SOAP 1.2 content type (application/soap+xml) and other content types: HTTP 415 with no body, as Metro answers', async () => {
    const body = envelope('getWebServiceInfo');
    // StreamSOAP11Codec's test is a case-sensitive "contains text/xml"; ccm-mock reads no MIME (multipart) requests
    for (const type of [
      'application/soap+xml; charset=utf-8',
      'application/json',
      'application/xml',
      'TEXT/XML; CHARSET=UTF-8',
      'multipart/related; type="text/xml"; boundary=x',
    ]) {
      const answer = await rawPost(mock.endpoint, body, { 'content-type': type });
      expect({ type, status: answer.status, text: answer.text, contentType: answer.headers['content-type'] }).toEqual({
        type,
        status: 415,
        text: '',
        contentType: undefined,
      });
      expect(answer.headers['content-length']).toBe('0');
    }
    const journal = mock.admin.journal({ limit: 1 });
    expect(journal[0]).toMatchObject({
      httpStatus: 415,
      fault: 'Unsupported Content-Type: multipart/related; type="text/xml"; boundary=x Supported ones are: [text/xml]',
    });
  });

  it('a request without a Content-Type is read as text/xml, as Metro reads it', async () => {
    const answer = await rawPost(mock.endpoint, envelope('getWebServiceInfo'), {});
    expect(answer.status).toBe(200);
    expect(answer.schemaProblems).toEqual([]);
    expect(answer.text).toContain('getWebServiceInfoResponse');
  });

  it('the typed client reports a 415 as an HTTP transport error that never reached the service', async () => {
    const transport = new SoapTransport({
      endpoint: mock.endpoint,
      namespace: DEFAULT_NAMESPACE,
      headers: { 'Content-Type': 'application/soap+xml; charset=utf-8' },
    });
    const error = await transport.call('enroll', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CcmTransportError);
    expect(error).toMatchObject({ kind: 'http', details: { httpStatus: 415, mayHaveReachedService: false } });
  });

  it('an unknown operation, or a known one in the wrong namespace: Cannot find dispatch method', async () => {
    const unknown = fault(await call(mock.endpoint, 'issueFreeCertificates', authXml()), 'Client');
    expect(unknown.fault?.string).toBe(
      'Cannot find dispatch method for {http://ws.epki.comodo.com/}issueFreeCertificates',
    );
    const wrongNs = fault(
      await call(mock.endpoint, 'getWebServiceInfo', '', 'http://smime.ws.epki.comodo.com/'),
      'Client',
    );
    expect(wrongNs.fault?.string).toBe(
      'Cannot find dispatch method for {http://smime.ws.epki.comodo.com/}getWebServiceInfo',
    );
  });

  it('a value that does not parse as its type', async () => {
    const answer = fault(await call(mock.endpoint, 'enroll', enrollXml({ orgId: 'abc', csr: readCsr() })), 'Client');
    expect(answer.fault?.string).toMatch(/Unmarshalling Error: Not a number: "abc"/);
    fault(await call(mock.endpoint, 'collect', orderXml('99999999999')), 'Client');
    fault(await call(mock.endpoint, 'collect', orderXml('')), 'Client');
  });

  it('any DTD, including entity expansion and external entities', async () => {
    const bomb =
      `<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>` +
      envelope('getWebServiceInfo').replace(/^<\?xml[^>]*>/, '');
    fault(await post(mock.endpoint, bomb), 'Client');
    const xxe =
      `<!DOCTYPE s [<!ENTITY x SYSTEM "file:///etc/passwd">]>` +
      envelope('getWebServiceInfo', '').replace(/^<\?xml[^>]*>/, '');
    const answer = fault(await post(mock.endpoint, xxe), 'Client');
    expect(answer.text).not.toContain('root:');
  });

  it('a header it must understand but does not: MustUnderstand', async () => {
    const xml =
      '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header><w:Security xmlns:w="urn:wsse" s:mustUnderstand="1"/></s:Header>' +
      '<s:Body><n:getWebServiceInfo xmlns:n="http://ws.epki.comodo.com/"/></s:Body></s:Envelope>';
    expect(fault(await post(mock.endpoint, xml), 'MustUnderstand').fault?.string).toContain('{urn:wsse}Security');
  });

  it('nesting beyond 256 levels', async () => {
    const deep = '<a>'.repeat(5000) + '</a>'.repeat(5000);
    fault(await call(mock.endpoint, 'getWebServiceInfo', deep), 'Client');
  });

  it('a body over the configured limit: HTTP 413 with a fault', async () => {
    const small = await createMockServer({ maxBodyBytes: 10_000, ca: mock.ca });
    try {
      fault(await post(small.endpoint, envelope('getWebServiceInfo', 'x'.repeat(20_000))), 'Client', 413);
      expect((await call(small.endpoint, 'getWebServiceInfo')).status).toBe(200); // and it keeps serving
    } finally {
      await small.close();
    }
  });

  it('keeps serving after every kind of bad request', async () => {
    expect((await call(mock.endpoint, 'getWebServiceInfo')).status).toBe(200);
  });
});

describe('strict mode', () => {
  it('holds requests to the schema, child order included', async () => {
    const reordered = authXml(SANDBOX, ['customerLoginUri', 'login', 'password']) + xmlEl('orderNumber', 1);
    const answer = fault(await call(strict.endpoint, 'getCollectStatus', reordered), 'Client');
    expect(answer.fault?.string).toMatch(/login/);
    expect((await call(strict.endpoint, 'getCollectStatus', authXml() + xmlEl('orderNumber', 1))).code).toBe(-2);
    fault(await call(strict.endpoint, 'getWebServiceInfo', '<unknownThing/>'), 'Client');
  });
});

describe('WSDL serving', () => {
  it('rewrites soap:address to the URL the client used, honouring X-Forwarded-Proto/Host with trustProxy', async () => {
    const direct = await (await fetch(mock.wsdlUrl)).text();
    expect(direct).toContain(`<soap:address location="${mock.endpoint}"/>`);
    const forwarded = { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'ccm.example.test' };
    // without trustProxy anyone could send these: not honoured
    expect(await (await fetch(mock.wsdlUrl, { headers: forwarded })).text()).toContain(
      `<soap:address location="${mock.endpoint}"/>`,
    );
    const proxy = await createMockServer({ trustProxy: true, ca: mock.ca });
    try {
      const proxied = await (await fetch(proxy.wsdlUrl, { headers: forwarded })).text();
      expect(proxied).toContain('<soap:address location="https://ccm.example.test/ws/EPKIManager"/>');
      const hostile = await (await fetch(proxy.wsdlUrl, { headers: { 'X-Forwarded-Host': 'evil"><x' } })).text();
      expect(hostile).not.toContain('evil"');
    } finally {
      await proxy.close();
    }
  });

  it('follows a configured public base URL and namespace', async () => {
    const other = await createMockServer({
      publicBaseUrl: 'https://mock.example.test/',
      namespace: 'http://smime.ws.epki.comodo.com/',
      ca: mock.ca,
    });
    try {
      const wsdl = await (await fetch(other.wsdlUrl)).text();
      expect(wsdl).toContain('<soap:address location="https://mock.example.test/ws/EPKIManager"/>');
      expect(wsdl).toContain('targetNamespace="http://smime.ws.epki.comodo.com/"');
      expect(wsdl).not.toContain('"http://ws.epki.comodo.com/"');
      const answer = await call(other.endpoint, 'getWebServiceInfo', '', 'http://smime.ws.epki.comodo.com/');
      expect(answer.status).toBe(200);
      expect(answer.schemaProblems).toEqual([]);
      expect(answer.text).toContain('<ns2:getWebServiceInfoResponse xmlns:ns2="http://smime.ws.epki.comodo.com/">');
    } finally {
      await other.close();
    }
  });

  it('answers ?WSDL in either case, a plain GET with an info page, other methods with 405', async () => {
    expect((await fetch(mock.endpoint + '?WSDL')).headers.get('content-type')).toBe('text/xml;charset=utf-8');
    expect(await (await fetch(mock.endpoint)).text()).toContain('EPKIManager');
    expect((await fetch(mock.endpoint, { method: 'PUT' })).status).toBe(405);
  });
});
