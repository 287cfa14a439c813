import { XmlDocument, type XmlElement } from 'libxml2-wasm';
import { describe, expect, it } from 'vitest';
import { SoapTransport } from '../../client/soap.js';
import { CcmTransportError } from '../../client/errors.js';
import {
  CLIENT_STYLE,
  CodecError,
  decodeRequest,
  decodeResponse,
  encodeFault,
  encodeRequest,
  encodeResponse,
  envelopeParts,
  isFault,
  readFault,
  readSimpleValue,
  wrapperOperation,
  type DecodeMode,
  type DecodeOptions,
} from '../../wsdl/codec/index.js';
import { contract, DEFAULT_NAMESPACE, OPERATIONS, SOAP11_ENVELOPE_NS, XSI_NS } from '../../wsdl/contract.js';
import { readWsdl, type SchemaModel } from '../../wsdl/schema-model.js';
import { SchemaValidator } from '../../wsdl/validator.js';
import { SAFE_PARSE } from '../../wsdl/xml.js';

/**
 * wsdl/codec: every operation of the contract written and read back in both directions, the wire spellings
 * the server and the client have always used, and what strict and lenient reading accept.
 */

const OTHER_NS = 'http://smime.ws.epki.comodo.com/';
const S = `xmlns:S="${SOAP11_ENVELOPE_NS}"`;

/** Parse a message and hand its Body's first element to `fn`. */
function withPayload<T>(xml: string, fn: (payload: XmlElement) => T): T {
  const doc = XmlDocument.fromString(xml, { option: SAFE_PARSE });
  try {
    const parts = envelopeParts(doc.root);
    if (!parts?.payload[0]) throw new Error(`no payload in ${xml}`);
    return fn(parts.payload[0]);
  } finally {
    doc.dispose();
  }
}

/** A response body around a wrapper's children, as any stack might write it. */
const answer = (wrapper: string, inner: string, ns = DEFAULT_NAMESPACE) =>
  `<S:Envelope ${S}><S:Body><w:${wrapper} xmlns:w="${ns}" xmlns:xsi="${XSI_NS}">${inner}</w:${wrapper}></S:Body></S:Envelope>`;

const strict = (namespace = DEFAULT_NAMESPACE, extra: Partial<DecodeOptions> = {}): DecodeOptions => ({
  mode: 'strict',
  namespace,
  ...extra,
});
const lenient: DecodeOptions = { mode: 'lenient' };

// ---- values made from the schema: every member present, lists of two, strings that need escaping ----

const INTS = [2147483647, -2147483648];
const STRINGS = ['Ünïcode <a&b> "q" \'s\' \r\n\t 😀', '  kept as sent  '];

function sampleOf(model: SchemaModel, typeName: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const d of model.childrenOf(typeName)) {
    const one = (i: number) =>
      d.type.kind === 'complex' ? sampleOf(model, d.type.name) : d.type.name === 'int' ? INTS[i] : STRINGS[i];
    out[d.name] = d.maxOccurs > 1 ? [one(0), one(1)] : one(0);
  }
  return out;
}

const typeOf = (element: string) => contract.elements.get(element)!.name;

describe('every operation of the contract, both directions', () => {
  it.each(OPERATIONS)('%s: a request written with every member reads back equal, strict and lenient', (name) => {
    const op = contract.operations.get(name)!;
    const args = sampleOf(contract, typeOf(op.inputElement));
    const xml = encodeRequest(name, args, { namespace: OTHER_NS });
    withPayload(xml, (payload) => {
      expect(wrapperOperation(payload, 'request', strict(OTHER_NS))?.name).toBe(name);
      expect(SchemaValidator.forNamespace(OTHER_NS).problems(payload)).toEqual([]);
      expect(decodeRequest(payload, name, strict(OTHER_NS))).toEqual(args);
      expect(decodeRequest(payload, name, lenient)).toEqual(args);
    });
  });

  it.each(OPERATIONS)('%s: a response in Metro shape is schema-valid and reads back equal', (name) => {
    const op = contract.operations.get(name)!;
    const result = sampleOf(contract, typeOf(op.outputElement)).return;
    const xml = encodeResponse(name, result, { namespace: OTHER_NS, checkOccurrences: true });
    expect(xml.startsWith(`<?xml version='1.0' encoding='UTF-8'?><S:Envelope ${S}><S:Body><ns2:`)).toBe(true);
    expect(SchemaValidator.forNamespace(OTHER_NS).envelopeProblems(xml)).toEqual([]);
    withPayload(xml, (payload) => {
      expect(wrapperOperation(payload, 'response', strict(OTHER_NS))?.name).toBe(name);
      expect(decodeResponse(payload, name, strict(OTHER_NS))).toEqual(result);
      expect(decodeResponse(payload, name, lenient)).toEqual(result);
    });
  });

  it("writes the exact bytes the server and the client have always written (Metro's response, zeep's request)", () => {
    expect(encodeResponse('getCollectStatus', 1, { namespace: DEFAULT_NAMESPACE, checkOccurrences: true })).toBe(
      `<?xml version='1.0' encoding='UTF-8'?><S:Envelope ${S}><S:Body><ns2:getCollectStatusResponse xmlns:ns2="http://ws.epki.comodo.com/"><return>1</return></ns2:getCollectStatusResponse></S:Body></S:Envelope>`,
    );
    expect(encodeResponse('getKUTemplates', [], { namespace: DEFAULT_NAMESPACE })).toBe(
      `<?xml version='1.0' encoding='UTF-8'?><S:Envelope ${S}><S:Body><ns2:getKUTemplatesResponse xmlns:ns2="http://ws.epki.comodo.com/"></ns2:getKUTemplatesResponse></S:Body></S:Envelope>`,
    );
    expect(
      encodeRequest(
        'revoke',
        { reason: 'a&b', orderNumber: 7, authData: { customerLoginUri: 'x', login: 'l' } },
        { namespace: 'urn:"q"', style: CLIENT_STYLE },
      ),
    ).toBe(
      `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="${SOAP11_ENVELOPE_NS}"><soap:Body><ns0:revoke xmlns:ns0="urn:&quot;q&quot;"><authData><login>l</login><customerLoginUri>x</customerLoginUri></authData><orderNumber>7</orderNumber><reason>a&amp;b</reason></ns0:revoke></soap:Body></soap:Envelope>`,
    );
  });

  it('writes a Fault as Metro does, its string escaped, and reads it back', () => {
    const xml = encodeFault('Client', 'Unmarshalling Error: "<x>" & more');
    expect(xml).toBe(
      `<?xml version='1.0' encoding='UTF-8'?><S:Envelope ${S}><S:Body><S:Fault xmlns:ns4="http://www.w3.org/2003/05/soap-envelope"><faultcode>S:Client</faultcode><faultstring>Unmarshalling Error: &quot;&lt;x&gt;&quot; &amp; more</faultstring></S:Fault></S:Body></S:Envelope>`,
    );
    expect(SchemaValidator.forNamespace(DEFAULT_NAMESPACE).envelopeProblems(xml)).toEqual([]);
    withPayload(xml, (p) =>
      expect(readFault(p)).toEqual({ code: 'Client', faultstring: 'Unmarshalling Error: "<x>" & more' }),
    );
  });

  it('escapes a long string every time it needs it, before and after a plain one of the same length is cached', () => {
    const plain = 'A'.repeat(3000);
    const marked = 'A'.repeat(2999) + '<';
    for (const text of [marked, plain, marked, plain]) {
      const xml = encodeResponse('getWebServiceInfo', text, { namespace: DEFAULT_NAMESPACE });
      withPayload(xml, (payload) => expect(decodeResponse(payload, 'getWebServiceInfo', lenient)).toBe(text));
    }
  });

  it('with occurrence checks, refuses a result the schema forbids; without, writes what it is given', () => {
    const checked = { namespace: DEFAULT_NAMESPACE, checkOccurrences: true };
    expect(() => encodeResponse('collect', { certificate: 'x' }, checked)).toThrow(
      new CodecError('SMIMECollectResponse.statusCode is required'),
    );
    expect(() => encodeResponse('getCollectStatus', [1, 2], checked)).toThrow(/occurs at most 1 times/);
    expect(encodeResponse('collect', { certificate: 'x' }, { namespace: DEFAULT_NAMESPACE })).toContain(
      '<return><certificate>x</certificate></return>',
    );
    expect(() => encodeRequest('noSuchOperation', {}, checked)).toThrow(/no request element for noSuchOperation/);
  });
});

describe('reading: what both modes share', () => {
  const read = (mode: DecodeMode, inner: string) =>
    withPayload(answer('collect', inner), (p) => decodeRequest(p, 'collect', mode === 'strict' ? strict() : lenient));

  it.each<DecodeMode>(['strict', 'lenient'])(
    '%s: members in any order, unknown ones ignored, nil skipped unread, a repeated one: the last',
    (mode) => {
      const args = read(
        mode,
        '<bogus>1</bogus><orderNumber>5</orderNumber><authData><password>p</password><extra/><login>l</login></authData>' +
          '<orderNumber xsi:nil="true">not a number</orderNumber><orderNumber> 0042 </orderNumber>',
      );
      expect(args).toEqual({ orderNumber: 42, authData: { login: 'l', password: 'p' } });
      expect(read(mode, '<orderNumber xsi:nil="1"/>')).toEqual({});
    },
  );

  it.each<DecodeMode>(['strict', 'lenient'])('%s: an absent list is empty, a present one keeps its order', (mode) => {
    const read = (inner: string) =>
      withPayload(answer('getKUTemplatesResponse', inner), (p) =>
        decodeResponse(p, 'getKUTemplates', mode === 'strict' ? strict() : lenient),
      );
    expect(read('')).toEqual([]);
    expect(read('<return><shortName>a</shortName></return><return><shortName>b</shortName></return>')).toEqual([
      { shortName: 'a', keyUsages: [], extKeyUsages: [] },
      { shortName: 'b', keyUsages: [], extKeyUsages: [] },
    ]);
  });

  it.each<DecodeMode>(['strict', 'lenient'])('%s: a value that is not its type is a CodecError', (mode) => {
    expect(() => read(mode, '<orderNumber>1e3</orderNumber>')).toThrow(
      new CodecError('Not a number: "1e3" (element orderNumber, xs:int)'),
    );
    expect(() => read(mode, '<orderNumber>2147483648</orderNumber>')).toThrow(
      new CodecError('Not a number: "2147483648" is out of xs:int range (element orderNumber)'),
    );
  });

  it('aliases: an extra accepted name, which the real name beats whatever the order', () => {
    const aliases = { AuthData: { URI: 'customerLoginUri' } };
    const read = (inner: string) =>
      withPayload(answer('collect', `<authData>${inner}</authData>`), (p) =>
        decodeRequest(p, 'collect', strict(DEFAULT_NAMESPACE, { aliases })),
      );
    expect(read('<URI>a</URI>')).toEqual({ authData: { customerLoginUri: 'a' } });
    expect(read('<customerLoginUri>real</customerLoginUri><URI>a</URI>')).toEqual({
      authData: { customerLoginUri: 'real' },
    });
    expect(read('<URI>a</URI><customerLoginUri>real</customerLoginUri>')).toEqual({
      authData: { customerLoginUri: 'real' },
    });
  });
});

describe('reading: strict and lenient differ in namespaces only', () => {
  it('strict finds the wrapper in its namespace only; lenient by its local name', () => {
    withPayload(answer('collect', '', 'urn:elsewhere'), (p) => {
      expect(wrapperOperation(p, 'request', strict())).toBeUndefined();
      expect(wrapperOperation(p, 'request', lenient)?.name).toBe('collect');
      expect(wrapperOperation(p, 'response', lenient)).toBeUndefined();
    });
  });

  it('a namespace-qualified member is an unknown one to strict, and read by lenient (any prefix)', () => {
    const inner = `<q:orderNumber xmlns:q="${DEFAULT_NAMESPACE}">7</q:orderNumber><x:reason xmlns:x="urn:x">r</x:reason>`;
    withPayload(answer('revoke', inner), (p) => {
      expect(decodeRequest(p, 'revoke', strict())).toEqual({});
      expect(decodeRequest(p, 'revoke', lenient)).toEqual({ orderNumber: 7, reason: 'r' });
    });
  });
});

describe('simple values', () => {
  const bad = (type: string, text: string) => () => readSimpleValue(type, text, 'e');

  it('bounded integers by bigint: the edges in, one past them out, leading zeros and signs read', () => {
    expect(readSimpleValue('int', '-2147483648', 'e')).toBe(-2147483648);
    expect(readSimpleValue('int', '+000000000000000000000000000000000000007', 'e')).toBe(7);
    expect(bad('int', '-2147483649')).toThrow(/out of xs:int range/);
    expect(readSimpleValue('long', '9223372036854775807', 'e')).toBe(9223372036854775807n);
    expect(bad('long', '9223372036854775808')).toThrow(/out of xs:long range/);
    expect(readSimpleValue('unsignedLong', '18446744073709551615', 'e')).toBe(18446744073709551615n);
    expect(bad('unsignedInt', '-1')).toThrow(/out of xs:unsignedInt range/);
    expect(readSimpleValue('byte', '-128', 'e')).toBe(-128);
    expect(bad('byte', '128')).toThrow(/out of xs:byte range/);
    expect(bad('short', '32768')).toThrow(/out of xs:short range/);
  });

  it('refuses what is not an integer, and past 30 digits says so without echoing them all', () => {
    for (const text of ['', ' ', '1.0', '0x10', '١٢', '1 2', '--1'])
      expect(bad('int', text), JSON.stringify(text)).toThrow(/^Not a number: .* \(element e, xs:int\)$/);
    expect(bad('int', '9'.repeat(31))).toThrow(`Not a number: "${'9'.repeat(31)}" (element e, xs:int)`);
    expect(bad('int', '9'.repeat(100))).toThrow(`Not a number: "${'9'.repeat(64)}..." (element e, xs:int)`);
  });

  it('booleans: true, false, 1, 0 (trimmed); anything else is an error, never false', () => {
    expect(['true', ' 1 ', 'false', '0'].map((t) => readSimpleValue('boolean', t, 'e'))).toEqual([
      true,
      true,
      false,
      false,
    ]);
    for (const text of ['TRUE', 'yes', '', 'on']) expect(bad('boolean', text)).toThrow(/is not an xs:boolean/);
  });

  it('other simple types are their text, whitespace included', () => {
    expect(readSimpleValue('string', '  a \n', 'e')).toBe('  a \n');
    expect(readSimpleValue('dateTime', 'soon', 'e')).toBe('soon');
  });
});

describe('a model other than the contract: booleans and longs, both directions', () => {
  const probe =
    readWsdl(`<definitions xmlns="http://schemas.xmlsoap.org/wsdl/" xmlns:tns="urn:probe" targetNamespace="urn:probe">
  <types><xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tns="urn:probe" targetNamespace="urn:probe">
    <xs:element name="probe" type="tns:probe"/><xs:element name="probeResponse" type="tns:probeResponse"/>
    <xs:complexType name="probe"><xs:sequence>
      <xs:element name="flag" type="xs:boolean" minOccurs="0"/><xs:element name="big" type="xs:long" minOccurs="0"/>
    </xs:sequence></xs:complexType>
    <xs:complexType name="probeResponse"><xs:sequence><xs:element name="return" type="xs:boolean"/></xs:sequence></xs:complexType>
  </xs:schema></types>
  <message name="in"><part name="parameters" element="tns:probe"/></message>
  <message name="out"><part name="parameters" element="tns:probeResponse"/></message>
  <portType name="Probe"><operation name="probe"><input message="tns:in"/><output message="tns:out"/></operation></portType>
</definitions>`);

  it('round-trips a boolean and a long beyond 2^53', () => {
    const args = { flag: false, big: -9223372036854775808n };
    const xml = encodeRequest('probe', args, { namespace: 'urn:probe', model: probe });
    withPayload(xml, (p) =>
      expect(decodeRequest(p, 'probe', { mode: 'strict', namespace: 'urn:probe', model: probe })).toEqual(args),
    );
    const out = encodeResponse('probe', true, { namespace: 'urn:probe', model: probe, checkOccurrences: true });
    withPayload(out, (p) => expect(decodeResponse(p, 'probe', { mode: 'lenient', model: probe })).toBe(true));
    expect(() =>
      encodeResponse('probe', undefined, { namespace: 'urn:probe', model: probe, checkOccurrences: true }),
    ).toThrow(/probeResponse.return is required/);
  });

  it('lenient reads a boolean that is not one as an error, as strict does', () => {
    withPayload(answer('probeResponse', '<return>yes</return>', 'urn:probe'), (p) => {
      for (const mode of ['strict', 'lenient'] as const)
        expect(() => decodeResponse(p, 'probe', { mode, namespace: 'urn:probe', model: probe })).toThrow(
          new CodecError('"yes" is not an xs:boolean (element return)'),
        );
    });
  });
});

describe('the envelope', () => {
  const root = <T>(xml: string, fn: (el: XmlElement) => T): T => {
    const doc = XmlDocument.fromString(xml, { option: SAFE_PARSE });
    try {
      return fn(doc.root);
    } finally {
      doc.dispose();
    }
  };

  it('finds Header, Body and payload in the SOAP 1.1 namespace only; not an Envelope: undefined', () => {
    root(
      `<e:Envelope xmlns:e="${SOAP11_ENVELOPE_NS}"><x:Body xmlns:x="urn:x"/><e:Header><h/></e:Header><e:Body><a/><b/></e:Body></e:Envelope>`,
      (el) => {
        const parts = envelopeParts(el)!;
        expect(parts.header?.name).toBe('Header');
        expect(parts.payload.map((p) => p.name)).toEqual(['a', 'b']);
      },
    );
    root(`<e:Envelope xmlns:e="${SOAP11_ENVELOPE_NS}"/>`, (el) =>
      expect(envelopeParts(el)).toMatchObject({ body: undefined, payload: [] }),
    );
    root('<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body/></e:Envelope>', (el) =>
      expect(envelopeParts(el)).toBeUndefined(),
    );
  });

  it("reads a Fault's code without its prefix and its string trimmed", () => {
    const xml = `<S:Envelope ${S}><S:Body><S:Fault><faultcode> S:Client </faultcode><faultstring> no \n</faultstring></S:Fault></S:Body></S:Envelope>`;
    withPayload(xml, (p) => {
      expect(isFault(p)).toBe(true);
      expect(readFault(p)).toEqual({ code: 'Client', faultstring: 'no' });
    });
    withPayload(answer('Fault', ''), (p) => expect(isFault(p)).toBe(false));
  });
});

describe('the typed client reads a live answer leniently but refuses a value it would misread', () => {
  const transport = (body: string) =>
    new SoapTransport({
      endpoint: 'http://127.0.0.1:9/ws/EPKIManager',
      namespace: DEFAULT_NAMESPACE,
      fetch: () => Promise.resolve(new Response(body, { status: 200, headers: { 'Content-Type': 'text/xml' } })),
    });
  const status = (inner: string, ns = 'urn:any') =>
    transport(answer('getCollectStatusResponse', inner, ns)).call('getCollectStatus', { orderNumber: 1 });

  it('any prefix and namespace, unknown elements ignored', async () => {
    expect(await status('<junk/><p:return xmlns:p="urn:p">-21</p:return>')).toBe(-21);
  });

  it.each([
    ['1e3', 'Not a number: "1e3" (element return, xs:int)'],
    ['3000000000', 'Not a number: "3000000000" is out of xs:int range (element return)'],
  ])('<return>%s</return> is a malformed answer: %s', async (text, why) => {
    const err = await status(`<return>${text}</return>`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CcmTransportError);
    expect(err).toMatchObject({ kind: 'malformed', message: `getCollectStatus: the answer could not be read: ${why}` });
  });
});
