import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchWsdl, formatDrift, WsdlFetchError, wsdlDrift } from '../../client/index.js';
import { contract, renderWsdl, wsdlText } from '../../wsdl/contract.js';
import { readWsdl } from '../../wsdl/schema-model.js';
import { fakeEndpoint, type FakeEndpoint } from '../support/fake-endpoints.js';

/** The drift report: one item per structural difference, each with a fix; and reading a published WSDL. */

/** Our WSDL with one textual change (asserting the change applied). */
function edited(...edits: Array<[string | RegExp, string]>): string {
  let text = wsdlText;
  for (const [from, to] of edits) {
    const next = text.replace(from, to);
    if (next === text) throw new Error(`edit ${from} did not apply`);
    text = next;
  }
  return text;
}
const drift = (text: string) => wsdlDrift(contract, readWsdl(text));
const brief = (text: string) =>
  drift(text).map((d) => ({ aspect: d.aspect, path: d.path, expected: d.expected, actual: d.actual }));

describe('wsdlDrift', () => {
  it('finds nothing between the WSDL and itself as the mock serves it (soap:address is not structure)', () => {
    expect(drift(renderWsdl(contract.targetNamespace, 'http://127.0.0.1:9/ws/EPKIManager'))).toEqual([]);
  });

  it('another namespace: one item, fixed by the mock setting', () => {
    const items = drift(renderWsdl('http://smime.ws.epki.comodo.com/', 'http://x/'));
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      aspect: 'namespace',
      path: 'targetNamespace',
      expected: 'http://ws.epki.comodo.com/',
      actual: 'http://smime.ws.epki.comodo.com/',
    });
    expect(items[0].fix).toMatch(/--namespace http:\/\/smime\.ws\.epki\.comodo\.com\/ \(CCM_MOCK_NAMESPACE\)/);
  });

  it('a renamed type is reported once, and its content is still compared', () => {
    const text = edited(
      [/name="AuthData"/, 'name="authData"'],
      [/tns:AuthData"/g, 'tns:authData"'],
      [/<xs:element name="customerLoginUri" type="xs:string" minOccurs="0"\/>/, ''],
    );
    expect(brief(text)).toEqual([
      { aspect: 'type', path: 'enroll > authData (type name)', expected: 'AuthData', actual: 'authData' },
      {
        aspect: 'element',
        path: 'enroll > authData > customerLoginUri',
        expected: 'xs:string 0..1',
        actual: '(absent)',
      },
    ]);
  });

  it.each([
    [
      'an operation the endpoint lacks',
      [
        [/<operation name="revokeAllByPerson"><input[^\n]*\n/, ''],
        [/<operation name="revokeAllByPerson"><soap:operation[^\n]*\n/, ''],
      ],
      [{ aspect: 'operation', path: 'operation revokeAllByPerson', expected: 'present', actual: '(absent)' }],
    ],
    [
      'a type change',
      [[/(<xs:complexType name="getCollectStatus">[\s\S]*?name="orderNumber" type=")xs:int/, '$1xs:long']],
      [{ aspect: 'type', path: 'getCollectStatus > orderNumber', expected: 'xs:int', actual: 'xs:long' }],
    ],
    [
      'a required element',
      [[/(<xs:complexType name="enroll">[\s\S]*?<xs:element name="csr" type="xs:string") minOccurs="0"/, '$1']],
      [{ aspect: 'occurrence', path: 'enroll > csr', expected: '0..1', actual: '1..1' }],
    ],
    [
      'a list that became single',
      [
        [
          /name="keyUsages" type="tns:KeyUsage" minOccurs="0" maxOccurs="unbounded"/,
          'name="keyUsages" type="tns:KeyUsage" minOccurs="0"',
        ],
      ],
      [
        {
          aspect: 'occurrence',
          path: 'enrollUsingKUTemplates > kuTemplate > keyUsages',
          expected: '0..unbounded',
          actual: '0..1',
        },
      ],
    ],
    [
      'another child order',
      [
        [
          /(<xs:element name="login" type="xs:string" minOccurs="0"\/>)(\s*)(<xs:element name="password" type="xs:string" minOccurs="0"\/>)/,
          '$3$2$1',
        ],
      ],
      [
        {
          aspect: 'order',
          path: 'enroll > authData child order',
          expected: 'login, password, customerLoginUri',
          actual: 'password, login, customerLoginUri',
        },
      ],
    ],
    [
      'an extra element',
      [
        [
          /(<xs:element name="customerLoginUri" type="xs:string" minOccurs="0"\/>)/,
          '$1<xs:element name="URI" type="xs:string" minOccurs="0"/>',
        ],
      ],
      [{ aspect: 'element', path: 'enroll > authData > URI', expected: '(absent)', actual: 'xs:string 0..1' }],
    ],
    [
      'a nillable element',
      [
        [
          /(<xs:complexType name="collect">[\s\S]*?name="orderNumber" type="xs:int" minOccurs="0")/,
          '$1 nillable="true"',
        ],
      ],
      [{ aspect: 'occurrence', path: 'collect > orderNumber nillable', expected: 'false', actual: 'true' }],
    ],
    [
      'a soapAction',
      [[/(<operation name="enroll"><soap:operation soapAction=")"/, '$1urn:enroll"']],
      [{ aspect: 'operation', path: 'operation enroll soapAction', expected: '""', actual: '"urn:enroll"' }],
    ],
    [
      'a SOAP 1.2 binding',
      [
        [
          /xmlns:soap="http:\/\/schemas.xmlsoap.org\/wsdl\/soap\/"/,
          'xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap12/"',
        ],
      ],
      [{ aspect: 'binding', path: 'SOAP version', expected: '1.1', actual: '1.2' }],
    ],
    [
      'a service name',
      [[/<service name="EPKIService">/, '<service name="EPKIManagerService">']],
      [{ aspect: 'service', path: 'service name', expected: 'EPKIService', actual: 'EPKIManagerService' }],
    ],
    [
      'a wrapper element of another name',
      [
        [
          /<message name="revoke"><part name="parameters" element="tns:revoke"\/>/,
          '<message name="revoke"><part name="parameters" element="tns:revokeOrder"/>',
        ],
        [/<xs:element name="revoke" type="tns:revoke"\/>/, '<xs:element name="revokeOrder" type="tns:revoke"/>'],
      ],
      [
        { aspect: 'element', path: 'operation revoke input', expected: 'revoke', actual: 'revokeOrder' },
        { aspect: 'element', path: 'element revokeOrder', expected: '(absent)', actual: 'present' },
      ],
    ],
  ] as Array<[string, Array<[RegExp, string]>, object[]]>)('%s', (_name, edits, expected) => {
    expect(brief(edited(...edits))).toEqual(expected);
  });

  it('formats each difference on a line with its fix', () => {
    const lines = formatDrift(drift(renderWsdl('urn:other', 'http://x/')));
    expect(lines).toEqual([
      'targetNamespace: ccm-mock has http://ws.epki.comodo.com/, endpoint has urn:other\n    fix: serve the mock with --namespace urn:other (CCM_MOCK_NAMESPACE), and give clients the same namespace (ccm --namespace, CcmClient { namespace })',
    ]);
  });
});

describe('fetchWsdl', () => {
  let server: FakeEndpoint;
  const schema = /<xs:schema[\s\S]*<\/xs:schema>/.exec(wsdlText)![0];
  // as a JAX-WS RI endpoint publishes it: the schema at ?xsd=1, imported from the WSDL
  const split = (base: string) =>
    wsdlText.replace(
      schema,
      `<xsd:schema><xsd:import namespace="http://ws.epki.comodo.com/" schemaLocation="${base}?xsd=1"/></xsd:schema>`,
    );

  beforeAll(async () => {
    server = await fakeEndpoint((req, res) => {
      const url = req.url ?? '';
      const base = `http://${req.headers.host}/ws/EPKIManager`;
      const send = (status: number, body: string) => {
        res.writeHead(status, { 'Content-Type': 'text/xml;charset=utf-8' });
        res.end(body);
      };
      if (url.endsWith('?xsd=1')) send(200, `<?xml version='1.0' encoding='UTF-8'?>\n${schema}`);
      else if (url.startsWith('/split')) send(200, split(base));
      else if (url.startsWith('/wsdl-import'))
        send(200, wsdlText.replace('<types>', `<import namespace="urn:x" location="${base}?wsdl=1"/><types>`));
      else if (url.startsWith('/html')) send(200, '<html><body>login</body></html>');
      else send(404, 'no');
    });
  });
  afterAll(() => server.close());

  const at = (path: string) => server.url.replace('/ws/EPKIManager', path);

  it('inlines a schema the WSDL imports (?xsd=1) and reads the same contract', async () => {
    const fetched = await fetchWsdl(at('/split?wsdl'));
    expect(fetched.imported).toEqual([server.url + '?xsd=1']);
    expect(wsdlDrift(contract, fetched.model)).toEqual([]);
  });

  it.each([
    ['/missing?wsdl', /answered HTTP 404/],
    ['/html?wsdl', /could not be read: root is not wsdl:definitions/],
    ['/wsdl-import?wsdl', /imports other WSDL documents/],
  ])('%s: a WsdlFetchError saying why', async (path, message) => {
    const err = await fetchWsdl(at(path)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WsdlFetchError);
    expect((err as Error).message).toMatch(message);
  });
});
