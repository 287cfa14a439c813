import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../server/proxy/findings.js';
import { createProxyServer, type ProxyServer } from '../../server/proxy/proxy.js';
import { DEFAULT_NAMESPACE, renderWsdl } from '../../wsdl/contract.js';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CA_PATHS } from '../../server/ca/urls.js';
import { openssl, tempDir } from '../support/openssl.js';
import { fakeEndpoint, type FakeEndpoint } from '../support/fake-endpoints.js';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import { readCsr } from '../support/fixtures.js';
import { authXml, envelope, enrollXml, orderXml, post, SANDBOX } from '../support/soap.js';

/**
 * Each kind of difference the proxy reports, from a scripted upstream that answers the way a live service
 * might differ from the mock (Metro's spelling, status codes, KeyUsage shapes, certificate formats, fault
 * texts, leniency, the URI alias). The scripted answers stand in for a live service, not for our code: the
 * proxy's findings are what is under test.
 */

const NS = DEFAULT_NAMESPACE;
const S = 'http://schemas.xmlsoap.org/soap/envelope/';
const metro = (inner: string) =>
  `<?xml version='1.0' encoding='UTF-8'?><S:Envelope xmlns:S="${S}"><S:Body>${inner}</S:Body></S:Envelope>`;
const answer = (op: string, inner: string) =>
  metro(`<ns2:${op}Response xmlns:ns2="${NS}">${inner}</ns2:${op}Response>`);
const fault = (text: string) =>
  metro(
    `<S:Fault xmlns:ns4="http://www.w3.org/2003/05/soap-envelope"><faultcode>S:Client</faultcode><faultstring>${text}</faultstring></S:Fault>`,
  );

let mock: MockServer;
let pkcs7Pem: string;
let upstream: FakeEndpoint;
let proxy: ProxyServer;

/** What the scripted upstream answers, by the request's operation (and a marker in it). */
function script(body: string): { status: number; type: string; text: string } {
  const xml = (text: string, status = 200) => ({ status, type: 'text/xml;charset=utf-8', text });
  if (body.includes(':getWebServiceInfo'))
    return {
      status: 200,
      type: 'text/xml; charset=utf-8',
      text: `<?xml version="1.0"?><soap:Envelope xmlns:soap="${S}"><soap:Body><tns:getWebServiceInfoResponse xmlns:tns="${NS}"><return>live</return></tns:getWebServiceInfoResponse></soap:Body></soap:Envelope>`,
    };
  if (body.includes('<orderNumber>1</orderNumber><a></b>'))
    return xml(fault('Unmarshalling Error: end tag b does not match start tag a'), 500);
  if (body.includes('<URI>')) return xml(answer('getCollectStatus', '<return>1</return>'));
  if (body.includes(':getCollectStatus')) return xml(answer('getCollectStatus', '<return>-999</return>'));
  if (body.includes(':getKUTemplates'))
    return xml(
      answer(
        'getKUTemplates',
        '<return><shortName>t</shortName><keyUsages><code>128</code><name>Digital Signature</name></keyUsages><extKeyUsages><code>emailProtection</code><name>Secure Email</name></extKeyUsages></return>',
      ),
    );
  if (body.includes(':collect'))
    return xml(answer('collect', `<return><statusCode>1</statusCode><certificate>${pkcs7Pem}</certificate></return>`));
  if (body.includes(':revoke>') || body.includes(':revoke '))
    return xml(answer('revoke', '<return>0</return><extra>1</extra>'));
  if (body.includes(':enroll')) return xml(answer('enroll', '<return>12345</return>'));
  return xml(fault('unexpected'), 500);
}

beforeAll(async () => {
  // a PEM PKCS7 block of the mock CA's chain (openssl crl2pkcs7), as a collect answer might carry
  mock = await createMockServer();
  const dir = tempDir();
  writeFileSync(join(dir, 'chain.pem'), await (await fetch(mock.url + CA_PATHS.chainPem)).text());
  pkcs7Pem = openssl(['crl2pkcs7', '-nocrl', '-certfile', join(dir, 'chain.pem')]);
  rmSync(dir, { recursive: true });
  upstream = await fakeEndpoint((req, res, body) => {
    if (req.method === 'GET') {
      res.writeHead(200, { 'Content-Type': 'text/xml;charset=utf-8' });
      res.end(renderWsdl(NS, upstream.url));
      return;
    }
    const a = script(body);
    res.writeHead(a.status, { 'Content-Type': a.type });
    res.end(a.text);
  });
  proxy = await createProxyServer({ upstream: upstream.url });
});
afterAll(async () => {
  await proxy?.close();
  await upstream?.close();
  await mock?.close();
});

const findings = async (cls: Finding['class']) => {
  await proxy.settled();
  return proxy.observer.findings
    .list()
    .filter((f) => f.class === cls)
    .map((f) => ({ ...f, firstSeen: '', lastSeen: '' }));
};

describe("the proxy's findings", () => {
  it("Metro's spelling: XML declaration, prefixes, Content-Type", async () => {
    await post(proxy.endpoint, envelope('getWebServiceInfo'));
    expect((await findings('shape')).map((f) => [f.summary, f.mock, f.upstream])).toEqual(
      expect.arrayContaining([
        ['XML declaration', "<?xml version='1.0' encoding='UTF-8'?>", '<?xml version="1.0"?>'],
        ['the Envelope prefix', 'S', 'soap'],
        ['the response wrapper prefix', 'ns2', 'tns'],
      ]),
    );
    expect(await findings('content-type')).toMatchObject([
      { mock: 'text/xml;charset=utf-8', upstream: 'text/xml; charset=utf-8' },
    ]);
    expect(await findings('service-info')).toMatchObject([{ operation: 'getWebServiceInfo', upstream: 'live' }]);
  });

  it('a status code the catalog does not list for the operation', async () => {
    await post(proxy.endpoint, envelope('getCollectStatus', orderXml(1)));
    expect(await findings('status-code')).toMatchObject([
      {
        operation: 'getCollectStatus',
        summary: 'status code -999, which the catalog does not list for getCollectStatus',
      },
    ]);
  });

  it('KeyUsage and ExtKeyUsage written differently: a bit mask for a code, a name for an OID', async () => {
    await post(proxy.endpoint, envelope('getKUTemplates', authXml()));
    expect((await findings('key-usage')).map((f) => f.summary)).toEqual([
      'KeyUsage code 128 is named "Digital Signature"',
      'ExtKeyUsage code "emailProtection" is not an OID',
    ]);
  });

  it("collect's certificate as a PEM PKCS7 block: a format the mock has no setting for", async () => {
    await post(proxy.endpoint, envelope('collect', orderXml(1)));
    expect(await findings('certificate-format')).toMatchObject([
      {
        operation: 'collect',
        summary: "collect's certificate is a PEM PKCS7 block",
        mock: 'pkcs7',
        upstream: 'pkcs7-pem (no setting)',
      },
    ]);
  });

  it('an element the schema does not declare, in an answer', async () => {
    await post(proxy.endpoint, envelope('revoke', `${authXml()}<orderNumber>1</orderNumber><reason></reason>`));
    expect(await findings('unknown-element')).toMatchObject([
      { operation: 'revoke', direction: 'response', summary: 'revoke (response) > extra is not in the schema' },
    ]);
  });

  it("a fault text unlike the mock's for the same request, and a namespace-qualified child in a request", async () => {
    // XML broken inside the payload: Metro's fault (a value JAXB cannot convert is none: it is left unset); a
    // request that does not parse names no operation
    await post(proxy.endpoint, envelope('getCollectStatus', `${authXml()}<orderNumber>1</orderNumber><a></b>`));
    const faultTexts = await findings('fault-text');
    expect(faultTexts).toMatchObject([
      { upstream: 'S:Client: Unmarshalling Error: end tag b does not match start tag a' },
    ]);
    expect(faultTexts[0].mock).toMatch(/^S:Server: javax\.xml\.bind\.UnmarshalException/);
    await post(
      proxy.endpoint,
      envelope(
        'enroll',
        enrollXml({ csr: readCsr() }).replace('<orgId>', `<ns0:orgId>`).replace('</orgId>', '</ns0:orgId>'),
      ),
    );
    expect((await findings('shape')).map((f) => f.summary)).toContain(
      `enroll > orgId is namespace-qualified ({${NS}}); Metro reads children unqualified, so the mock ignores it`,
    );
  });

  it('<URI> in authData accepted: the alias is learned, and reported as differing from the mock', async () => {
    const auth = `<authData><login>${SANDBOX.login}</login><password>${SANDBOX.password}</password><URI>${SANDBOX.customerLoginUri}</URI></authData>`;
    await post(proxy.endpoint, envelope('getCollectStatus', `${auth}<orderNumber>7</orderNumber>`));
    expect(await findings('uri-alias')).toMatchObject([
      { mock: 'acceptUriAlias false', upstream: 'acceptUriAlias true', direction: 'request' },
    ]);
    expect(proxy.observer.learner.value('acceptUriAlias')).toBe(true); // settled by the findings above
  });

  it('a request in the charset its Content-Type names is read as the mock reads it, not as UTF-8', async () => {
    // ISO-8859-1 bytes (an e-acute in the login) under a UTF-8 declaration: Metro decodes by the Content-Type
    // and ignores the declaration, so the request is well-formed and the mock would read it without a fault
    const before = (await findings('schema')).length + (await findings('fault-text')).length;
    const auth = `<authData><login>jos\u00e9</login><password>p</password><customerLoginUri>c</customerLoginUri></authData>`;
    const res = await fetch(proxy.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=iso-8859-1', soapaction: '""' },
      body: Buffer.from(envelope('getCollectStatus', `${auth}<orderNumber>8</orderNumber>`), 'latin1'),
    });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    expect((await findings('schema')).length + (await findings('fault-text')).length).toBe(before);
    expect((await findings('status-code')).find((f) => f.operation === 'getCollectStatus')?.count).toBe(2);
  });

  it('every finding names no secret, and excerpts are redacted', async () => {
    await proxy.settled();
    const all = JSON.stringify(proxy.observer.findings.list());
    expect(all).not.toContain(`>${SANDBOX.password}<`);
    expect(all).toContain('<password>[redacted]</password>');
  });
});
