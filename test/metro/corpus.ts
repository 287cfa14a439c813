import { gzipSync } from 'node:zlib';
import {
  contract,
  OPERATIONS,
  SERVICE_PATH,
  SOAP11_ENVELOPE_NS,
  SOAP12_ENVELOPE_NS,
  XSI_NS,
} from '../../wsdl/contract.js';
import type { ElementDecl } from '../../wsdl/schema-model.js';
import { escapeXml } from '../../wsdl/xml.js';
import { readCsr } from '../support/fixtures.js';
import type { HttpRequest } from './exchange.js';

/**
 * The differential corpus: requests sent both to Metro (test/metro/MetroOracle.java) and to ccm-mock.
 * Valid calls and the leniency space are generated from the contract (wsdl/EPKIManager.wsdl read by
 * schema-model): every operation, its children reordered, dropped, unknown, qualified, nil, empty, and the
 * number fields given every kind of number. Envelope, transport and malformed-input cases are tables.
 * Each case runs on a fresh pair of mocks holding one issued order (its number and serial are in `ctx`).
 */

export interface CaseContext {
  namespace: string;
  orderNumber: number;
  serial: string;
}

export interface CorpusCase {
  group: string;
  name: string;
  request: (ctx: CaseContext) => HttpRequest;
}

const XML_HEADERS = { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' };

// ---- values and elements from the schema ----

/** A value the domain accepts for an element, by name (the fixture's sandbox account and org 1001). */
function valueFor(name: string, ctx: CaseContext): string {
  const values: Record<string, string> = {
    login: 'admin',
    password: 'sandbox',
    customerLoginUri: 'sandbox',
    orgId: '1001',
    secretKey: 'sandbox-secret',
    username: 'Metro Oracle',
    email: 'metro@example.com',
    csr: readCsr(),
    orderNumber: String(ctx.orderNumber),
    reason: 'key compromise',
    serialNumber: ctx.serial,
    org: 'Sandbox Org',
    dep: 'Engineering',
    shortName: 'smime-signing',
    description: 'signing only',
    code: name === 'code' ? '0' : '',
    name: 'Digital Signature',
  };
  if (!(name in values)) throw new Error(`the corpus has no value for <${name}>`);
  return values[name];
}

/** One element with schema-valid content, built from its declaration (complex types recursively). */
function element(decl: ElementDecl, ctx: CaseContext): string {
  if (decl.type.kind === 'builtin') return `<${decl.name}>${escapeXml(valueFor(decl.name, ctx))}</${decl.name}>`;
  const inner = contract
    .childrenOf(decl.type.name)
    .map((d) => element(d, ctx))
    .join('');
  return `<${decl.name}>${inner}</${decl.name}>`;
}

function inputDecls(op: string): ElementDecl[] {
  const input = contract.operations.get(op)!.inputElement;
  return contract.childrenOf(contract.elements.get(input)!.name);
}

/** The operation's children as schema-valid elements, in schema order. */
const children = (op: string, ctx: CaseContext) => inputDecls(op).map((d) => ({ decl: d, xml: element(d, ctx) }));

// ---- envelopes ----

interface EnvelopeOptions {
  /** envelope prefix; '' puts the envelope in a default namespace */
  prefix?: string;
  header?: string;
  /** the wrapper's namespace; the profile's by default */
  namespace?: string;
  /** the XML declaration; '' for none */
  declaration?: string;
}

function soap(ctx: CaseContext, op: string, inner: string, o: EnvelopeOptions = {}): string {
  const p = o.prefix ?? 'soapenv';
  const q = (n: string) => (p ? `${p}:${n}` : n);
  const decl = o.declaration ?? '<?xml version="1.0" encoding="UTF-8"?>';
  const ns = o.namespace ?? ctx.namespace;
  const header = o.header === undefined ? '' : `<${q('Header')}>${o.header}</${q('Header')}>`;
  return (
    `${decl}<${q('Envelope')} xmlns${p ? ':' + p : ''}="${SOAP11_ENVELOPE_NS}">${header}<${q('Body')}>` +
    `<w:${op} xmlns:w="${escapeXml(ns)}">${inner}</w:${op}></${q('Body')}></${q('Envelope')}>`
  );
}

const post = (
  body: string | Buffer,
  headers: Record<string, string> = XML_HEADERS,
  path = SERVICE_PATH,
): HttpRequest => ({
  method: 'POST',
  path,
  headers,
  body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
});

// ---- the cases ----

export function corpus(): CorpusCase[] {
  const cases: CorpusCase[] = [];
  const add = (group: string, name: string, request: (ctx: CaseContext) => HttpRequest) =>
    cases.push({ group, name, request });
  const call = (group: string, name: string, op: string, inner: (ctx: CaseContext) => string, o?: EnvelopeOptions) =>
    add(group, name, (ctx) => post(soap(ctx, op, inner(ctx), o)));
  const valid = (op: string, ctx: CaseContext) =>
    children(op, ctx)
      .map((c) => c.xml)
      .join('');

  // every operation, valid, in schema order
  for (const op of OPERATIONS) call('valid', op, op, (ctx) => valid(op, ctx));

  // the leniency space, generated per operation from its declared children
  const g = 'leniency';
  for (const op of OPERATIONS) {
    const decls = inputDecls(op);
    if (!decls.length) continue;
    if (decls.length > 1)
      call(g, `${op}: children in reverse order`, op, (ctx) =>
        children(op, ctx)
          .map((c) => c.xml)
          .reverse()
          .join(''),
      );
    for (const d of decls)
      call(g, `${op}: without <${d.name}>`, op, (ctx) =>
        children(op, ctx)
          .filter((c) => c.decl !== d)
          .map((c) => c.xml)
          .join(''),
      );
    call(g, `${op}: an unknown child first and last`, op, (ctx) => `<nope>1</nope>${valid(op, ctx)}<zzz><a/></zzz>`);
    call(g, `${op}: <${decls[0].name}> qualified with the service namespace`, op, (ctx) =>
      children(op, ctx)
        .map((c, i) =>
          i === 0
            ? c.xml.replace(/^<(\w+)>(.*)<\/\1>$/s, `<q:$1 xmlns:q="${escapeXml(ctx.namespace)}">$2</q:$1>`)
            : c.xml,
        )
        .join(''),
    );
    call(g, `${op}: every child xsi:nil`, op, () =>
      decls.map((d) => `<${d.name} xmlns:xsi="${XSI_NS}" xsi:nil="true"/>`).join(''),
    );
    call(g, `${op}: every child empty`, op, () => decls.map((d) => `<${d.name}/>`).join(''));
    call(g, `${op}: every child twice`, op, (ctx) => valid(op, ctx) + valid(op, ctx));
  }
  // the wrapper's namespace as the default namespace: unprefixed children then are qualified (and ignored)
  add(g, 'collect: wrapper in a default namespace, children inherit it', (ctx) =>
    post(
      soap(ctx, 'collect', '', {}).replace(
        `<w:collect xmlns:w="${escapeXml(ctx.namespace)}"></w:collect>`,
        `<collect xmlns="${escapeXml(ctx.namespace)}">${valid('collect', ctx)}</collect>`,
      ),
    ),
  );
  add(g, 'collect: wrapper in a default namespace, children reset to none', (ctx) =>
    post(
      soap(ctx, 'collect', '', {}).replace(
        `<w:collect xmlns:w="${escapeXml(ctx.namespace)}"></w:collect>`,
        `<collect xmlns="${escapeXml(ctx.namespace)}">${valid('collect', ctx).replace(/<(authData|orderNumber)>/g, '<$1 xmlns="">')}</collect>`,
      ),
    ),
  );
  call(
    g,
    'collect: authData members in another order',
    'collect',
    (ctx) =>
      `<authData><customerLoginUri>sandbox</customerLoginUri><password>sandbox</password><login>admin</login></authData><orderNumber>${ctx.orderNumber}</orderNumber>`,
  );
  call(g, 'collect: an attribute on every element', 'collect', (ctx) =>
    valid('collect', ctx).replace(/<(\w+)>/g, '<$1 x="1">'),
  );
  call(
    g,
    'collect: comments and a processing instruction between children',
    'collect',
    (ctx) => `<!-- a -->${valid('collect', ctx).replace('<orderNumber>', '<?pi x?><orderNumber><!-- in -->')}`,
  );
  call(g, 'collect: orderNumber as CDATA', 'collect', (ctx) =>
    valid('collect', ctx).replace(/<orderNumber>(\d+)</, '<orderNumber><![CDATA[$1]]><'),
  );
  call(g, 'getCollectStatus: authData with text mixed in', 'getCollectStatus', (ctx) =>
    valid('getCollectStatus', ctx).replace('<authData>', '<authData>text<!-- c -->'),
  );
  call(g, 'getCollectStatus: xsi:nil="false" with a value', 'getCollectStatus', (ctx) =>
    valid('getCollectStatus', ctx).replace('<orderNumber>', `<orderNumber xmlns:xsi="${XSI_NS}" xsi:nil="false">`),
  );
  call(g, 'getCollectStatus: xsi:nil="1" on authData', 'getCollectStatus', (ctx) =>
    valid('getCollectStatus', ctx).replace(/<authData>.*<\/authData>/, `<authData xmlns:xsi="${XSI_NS}" xsi:nil="1"/>`),
  );
  call(g, 'revoke: whitespace around every string', 'revoke', (ctx) =>
    valid('revoke', ctx).replace(/>([^<]+)</g, '> \n\t$1 \n<'),
  );
  call(g, 'revoke: entity and character references in the reason', 'revoke', (ctx) =>
    valid('revoke', ctx).replace('key compromise', 'key &amp; &#x63;ompromise &lt;x&gt;'),
  );
  call(
    g,
    'enrollUsingKUTemplates: three templates, one with keyUsages',
    'enrollUsingKUTemplates',
    (ctx) =>
      valid('enrollUsingKUTemplates', ctx) +
      '<kuTemplate><shortName>smime-encryption</shortName></kuTemplate><kuTemplate><shortName>client-auth</shortName><keyUsages><code>2</code></keyUsages></kuTemplate>',
  );
  call(g, 'enrollUsingKUTemplates: a keyUsages code that is not a number', 'enrollUsingKUTemplates', (ctx) =>
    valid('enrollUsingKUTemplates', ctx).replace(/<code>0<\/code>/, '<code>x</code>'),
  );

  // what JAXB reads as an element's value: text after its last child element, comments skipped, nil ignored
  const auth = (ctx: CaseContext) => children('getCollectStatus', ctx)[0].xml;
  const jaxbText: [string, (ctx: CaseContext) => string][] = [
    [
      'orderNumber with a child element inside',
      (ctx) => `${auth(ctx)}<orderNumber>5<x>6</x>${ctx.orderNumber}</orderNumber>`,
    ],
    [
      'orderNumber split by a comment',
      (ctx) => `${auth(ctx)}<orderNumber>${String(ctx.orderNumber).replace(/^(\d)/, '$1<!-- c -->')}</orderNumber>`,
    ],
    [
      'orderNumber from CDATA and text',
      (ctx) =>
        `${auth(ctx)}<orderNumber><![CDATA[${String(ctx.orderNumber).slice(0, 2)}]]>${String(ctx.orderNumber).slice(2)}</orderNumber>`,
    ],
    [
      'orderNumber twice, the second unreadable',
      (ctx) => `${auth(ctx)}<orderNumber>${ctx.orderNumber}</orderNumber><orderNumber>abc</orderNumber>`,
    ],
    [
      'orderNumber twice, the second empty',
      (ctx) => `${auth(ctx)}<orderNumber>${ctx.orderNumber}</orderNumber><orderNumber/>`,
    ],
    ['orderNumber with a no-break space', (ctx) => `${auth(ctx)}<orderNumber>\u00a0${ctx.orderNumber}</orderNumber>`],
    [
      'orderNumber xsi:nil with a value',
      (ctx) => `${auth(ctx)}<orderNumber xmlns:xsi="${XSI_NS}" xsi:nil="true">${ctx.orderNumber}</orderNumber>`,
    ],
    [
      'authData xsi:nil with members',
      (ctx) =>
        auth(ctx).replace('<authData>', `<authData xmlns:xsi="${XSI_NS}" xsi:nil="true">`) +
        `<orderNumber>${ctx.orderNumber}</orderNumber>`,
    ],
    [
      'authData with an unknown xsi:type',
      (ctx) =>
        auth(ctx).replace('<authData>', `<authData xmlns:xsi="${XSI_NS}" xsi:type="nope">`) +
        `<orderNumber>${ctx.orderNumber}</orderNumber>`,
    ],
    [
      'login with text around a child element',
      (ctx) =>
        auth(ctx).replace('<login>admin</login>', '<login>x<b>y</b>admin</login>') +
        `<orderNumber>${ctx.orderNumber}</orderNumber>`,
    ],
    [
      'login given twice',
      (ctx) =>
        auth(ctx).replace('<login>admin</login>', '<login>nobody</login><login>admin</login>') +
        `<orderNumber>${ctx.orderNumber}</orderNumber>`,
    ],
  ];
  for (const [name, inner] of jaxbText) call(g, `getCollectStatus: ${name}`, 'getCollectStatus', inner);

  // numbers: what JAXB makes of each kind of text in an xs:int field
  const n = 'numbers';
  const numbers = [
    '7',
    '+7',
    '-0',
    '0007',
    ' 7 ',
    '\n7\t',
    '2147483647',
    '2147483648',
    '-2147483648',
    '-2147483649',
    '4294967303',
    '99999999999',
    '9'.repeat(40),
    '7.0',
    '1e3',
    '0x10',
    'abc',
    '7abc',
    '',
    ' ',
    '--7',
    '+-7',
    '\uFF17',
    '\u0667',
    '1 000',
    'true',
  ];
  for (const v of numbers) {
    call(n, `getCollectStatus: orderNumber ${JSON.stringify(v)}`, 'getCollectStatus', (ctx) =>
      valid('getCollectStatus', ctx).replace(/<orderNumber>\d+</, `<orderNumber>${escapeXml(v)}<`),
    );
  }
  for (const v of ['abc', '4294968297', '1001.0', ' 1001 '])
    call(n, `enroll: orgId ${JSON.stringify(v)}`, 'enroll', (ctx) =>
      valid('enroll', ctx).replace('<orgId>1001<', `<orgId>${escapeXml(v)}<`),
    );
  call(n, 'collect: the real orderNumber plus 2^32', 'collect', (ctx) =>
    valid('collect', ctx).replace(/<orderNumber>\d+</, `<orderNumber>${BigInt(ctx.orderNumber) + 2n ** 32n}<`),
  );

  // the envelope: prefixes, namespaces, headers
  const e = 'envelope';
  call(e, 'prefix S', 'getWebServiceInfo', () => '', { prefix: 'S' });
  call(e, 'envelope in a default namespace', 'getWebServiceInfo', () => '', { prefix: '' });
  call(e, 'no XML declaration', 'getWebServiceInfo', () => '', { declaration: '' });
  call(e, 'XML declaration in single quotes, version 1.0, standalone', 'getWebServiceInfo', () => '', {
    declaration: "<?xml version='1.0' encoding='utf-8' standalone='yes'?>",
  });
  call(e, 'XML 1.1 declaration', 'getWebServiceInfo', () => '', { declaration: '<?xml version="1.1"?>' });
  call(e, 'an empty Header', 'getWebServiceInfo', () => '', { header: '' });
  call(e, 'a harmless header block', 'getWebServiceInfo', () => '', {
    header: '<h:trace xmlns:h="urn:trace">1</h:trace>',
  });
  for (const mu of ['1', 'true', '0', 'false'])
    call(e, `a header block with mustUnderstand="${mu}"`, 'getWebServiceInfo', () => '', {
      header: `<h:Security xmlns:h="urn:sec" soapenv:mustUnderstand="${mu}"/>`,
    });
  call(e, 'mustUnderstand="1" for another actor', 'getWebServiceInfo', () => '', {
    header: '<h:Security xmlns:h="urn:sec" soapenv:mustUnderstand="1" soapenv:actor="urn:someone-else"/>',
  });
  call(e, 'mustUnderstand="1" for actor next', 'getWebServiceInfo', () => '', {
    header:
      '<h:Security xmlns:h="urn:sec" soapenv:mustUnderstand="1" soapenv:actor="http://schemas.xmlsoap.org/soap/actor/next"/>',
  });
  call(e, 'two mustUnderstand header blocks', 'getWebServiceInfo', () => '', {
    header: '<h:A xmlns:h="urn:a" soapenv:mustUnderstand="1"/><k:B xmlns:k="urn:b" soapenv:mustUnderstand="1"/>',
  });
  call(e, 'a WS-Security UsernameToken with mustUnderstand', 'getKUTemplates', (ctx) => valid('getKUTemplates', ctx), {
    header:
      '<wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" soapenv:mustUnderstand="1"><wsse:UsernameToken><wsse:Username>admin</wsse:Username></wsse:UsernameToken></wsse:Security>',
  });
  /** an Envelope around `inner`, each WRAPPER in it a getWebServiceInfo payload */
  const envelopeText = (ctx: CaseContext, inner: string) =>
    `<s:Envelope xmlns:s="${SOAP11_ENVELOPE_NS}">${inner}</s:Envelope>`
      .split('WRAPPER')
      .join(`<w:getWebServiceInfo xmlns:w="${escapeXml(ctx.namespace)}"/>`);
  const raw = (group: string, name: string, text: (ctx: CaseContext) => string) =>
    add(group, name, (ctx) => post(text(ctx)));
  raw(e, 'Header after Body', (ctx) => envelopeText(ctx, '<s:Body>WRAPPER</s:Body><s:Header/>'));
  raw(e, 'two Bodies', (ctx) => envelopeText(ctx, '<s:Body>WRAPPER</s:Body><s:Body>WRAPPER</s:Body>'));
  raw(e, 'an element after the Body', (ctx) =>
    envelopeText(ctx, '<s:Body>WRAPPER</s:Body><x:trailer xmlns:x="urn:x"/>'),
  );
  raw(e, 'an element before the Header', (ctx) =>
    envelopeText(ctx, '<x:first xmlns:x="urn:x"/><s:Header/><s:Body>WRAPPER</s:Body>'),
  );
  raw(e, 'no Body', () => `<s:Envelope xmlns:s="${SOAP11_ENVELOPE_NS}"><s:Header/></s:Envelope>`);
  raw(e, 'an empty Body', () => `<s:Envelope xmlns:s="${SOAP11_ENVELOPE_NS}"><s:Body/></s:Envelope>`);
  raw(
    e,
    'a Body with only whitespace',
    () => `<s:Envelope xmlns:s="${SOAP11_ENVELOPE_NS}"><s:Body>\n  </s:Body></s:Envelope>`,
  );
  raw(
    e,
    'a Body with only text',
    () => `<s:Envelope xmlns:s="${SOAP11_ENVELOPE_NS}"><s:Body>hello</s:Body></s:Envelope>`,
  );
  raw(e, 'text before the payload: a carriage return, quotes, a tab', (ctx) =>
    envelopeText(ctx, `<s:Body>a&#13;b"c'd\te\r\nf&amp;WRAPPER</s:Body>`),
  );
  raw(e, 'two payload elements', (ctx) => envelopeText(ctx, '<s:Body>WRAPPERWRAPPER</s:Body>'));
  raw(e, 'an unknown operation', (ctx) =>
    envelopeText(ctx, `<s:Body><w:getEverything xmlns:w="${escapeXml(ctx.namespace)}"/></s:Body>`),
  );
  raw(e, 'an operation in no namespace', (ctx) => envelopeText(ctx, '<s:Body><getWebServiceInfo/></s:Body>'));
  raw(e, 'an operation in another namespace', (ctx) =>
    envelopeText(ctx, '<s:Body><w:getWebServiceInfo xmlns:w="http://ssl.ws.epki.comodo.com/"/></s:Body>'),
  );
  raw(e, 'a response element as the request', (ctx) =>
    envelopeText(ctx, `<s:Body><w:getWebServiceInfoResponse xmlns:w="${escapeXml(ctx.namespace)}"/></s:Body>`),
  );
  raw(e, 'an operation name in other case', (ctx) =>
    envelopeText(ctx, `<s:Body><w:GetWebServiceInfo xmlns:w="${escapeXml(ctx.namespace)}"/></s:Body>`),
  );
  raw(
    e,
    'attributes on Envelope and Body',
    (ctx) =>
      `<s:Envelope xmlns:s="${SOAP11_ENVELOPE_NS}" s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/" a="1"><s:Body b="2"><w:getWebServiceInfo xmlns:w="${escapeXml(ctx.namespace)}"/></s:Body></s:Envelope>`,
  );
  raw(
    e,
    'a SOAP 1.2 envelope',
    (ctx) =>
      `<e:Envelope xmlns:e="${SOAP12_ENVELOPE_NS}"><e:Body><w:getWebServiceInfo xmlns:w="${escapeXml(ctx.namespace)}"/></e:Body></e:Envelope>`,
  );
  raw(
    e,
    'an Envelope in another namespace',
    (ctx) =>
      `<e:Envelope xmlns:e="urn:not-soap"><e:Body><w:getWebServiceInfo xmlns:w="${escapeXml(ctx.namespace)}"/></e:Body></e:Envelope>`,
  );
  raw(
    e,
    'an Envelope in no namespace',
    (ctx) => `<Envelope><Body><w:getWebServiceInfo xmlns:w="${escapeXml(ctx.namespace)}"/></Body></Envelope>`,
  );
  raw(e, 'a root element that is not an Envelope', () => '<hello/>');
  raw(
    e,
    'a SOAP 1.1 Body as the root',
    (ctx) =>
      `<s:Body xmlns:s="${SOAP11_ENVELOPE_NS}"><w:getWebServiceInfo xmlns:w="${escapeXml(ctx.namespace)}"/></s:Body>`,
  );
  raw(
    e,
    'a Body in the SOAP 1.2 namespace inside a 1.1 Envelope',
    (ctx) =>
      `<s:Envelope xmlns:s="${SOAP11_ENVELOPE_NS}"><e:Body xmlns:e="${SOAP12_ENVELOPE_NS}"><w:getWebServiceInfo xmlns:w="${escapeXml(ctx.namespace)}"/></e:Body></s:Envelope>`,
  );

  // transport: methods, SOAPAction, Content-Type, encodings, framing
  const t = 'transport';
  const gwsi = (ctx: CaseContext) => soap(ctx, 'getWebServiceInfo', '');
  const withHeaders = (name: string, headers: Record<string, string>, body = gwsi) =>
    add(t, name, (ctx) => post(body(ctx), headers));
  withHeaders('no SOAPAction header', { 'content-type': 'text/xml; charset=utf-8' });
  withHeaders('SOAPAction empty, unquoted', { 'content-type': 'text/xml; charset=utf-8', soapaction: '' });
  withHeaders('SOAPAction naming the operation', {
    'content-type': 'text/xml; charset=utf-8',
    soapaction: '"getWebServiceInfo"',
  });
  withHeaders('SOAPAction naming another operation', {
    'content-type': 'text/xml; charset=utf-8',
    soapaction: '"urn:collect"',
  });
  withHeaders('SOAPAction unquoted garbage', { 'content-type': 'text/xml; charset=utf-8', soapaction: 'x y z' });
  withHeaders('Content-Type text/xml without charset', { 'content-type': 'text/xml', soapaction: '""' });
  withHeaders('Content-Type charset=UTF-8 in capitals', {
    'content-type': 'text/xml; charset=UTF-8',
    soapaction: '""',
  });
  withHeaders('Content-Type charset quoted', { 'content-type': 'text/xml; charset="utf-8"', soapaction: '""' });
  withHeaders('Content-Type text/xml;charset=utf-8 without a space', {
    'content-type': 'text/xml;charset=utf-8',
    soapaction: '""',
  });
  withHeaders('Content-Type with an action parameter', {
    'content-type': 'text/xml; charset=utf-8; action="x"',
    soapaction: '""',
  });
  withHeaders('Content-Type TEXT/XML', { 'content-type': 'TEXT/XML; charset=utf-8', soapaction: '""' });
  withHeaders('Content-Type application/soap+xml (SOAP 1.2)', {
    'content-type': 'application/soap+xml; charset=utf-8',
  });
  withHeaders('Content-Type application/xml', { 'content-type': 'application/xml', soapaction: '""' });
  withHeaders('Content-Type text/plain', { 'content-type': 'text/plain', soapaction: '""' });
  withHeaders('Content-Type multipart/related (MTOM)', {
    'content-type': 'multipart/related; type="application/xop+xml"; boundary=x',
    soapaction: '""',
  });
  withHeaders('no Content-Type header', { soapaction: '""' });
  withHeaders(
    'charset=iso-8859-1 with a Latin-1 body',
    { 'content-type': 'text/xml; charset=iso-8859-1', soapaction: '""' },
    (ctx) => soap(ctx, 'getWebServiceInfo', '<x>caf\u00e9</x>', { declaration: '' }),
  );
  add(t, 'a Latin-1 body declared in the XML declaration', (ctx) =>
    post(
      Buffer.from(
        soap(ctx, 'revoke', valid('revoke', ctx).replace('key compromise', 'r\u00e9voqu\u00e9'), {
          declaration: '<?xml version="1.0" encoding="ISO-8859-1"?>',
        }),
        'latin1',
      ),
    ),
  );
  add(t, 'a UTF-8 byte-order mark', (ctx) =>
    post(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(gwsi(ctx))])),
  );
  const utf16 = (ctx: CaseContext, le: boolean) => {
    const text = soap(ctx, 'revoke', valid('revoke', ctx).replace('key compromise', 'caf\u00e9 \u00fc'), {
      declaration: '<?xml version="1.0" encoding="UTF-16"?>',
    });
    const bytes = Buffer.from(text, 'utf16le');
    if (!le) bytes.swap16();
    return Buffer.concat([Buffer.from(le ? [0xff, 0xfe] : [0xfe, 0xff]), bytes]);
  };
  add(t, 'UTF-16LE with a byte-order mark, charset=utf-16', (ctx) =>
    post(utf16(ctx, true), { 'content-type': 'text/xml; charset=utf-16', soapaction: '""' }),
  );
  add(t, 'UTF-16BE with a byte-order mark, charset=utf-16', (ctx) =>
    post(utf16(ctx, false), { 'content-type': 'text/xml; charset=utf-16', soapaction: '""' }),
  );
  add(t, 'UTF-16LE with a byte-order mark, charset=utf-8 claimed', (ctx) => post(utf16(ctx, true)));
  add(t, 'a chunked body', (ctx) => ({ ...post(soap(ctx, 'collect', valid('collect', ctx))), chunked: true }));
  add(t, 'a gzip-encoded body', (ctx) =>
    post(gzipSync(Buffer.from(gwsi(ctx))), { ...XML_HEADERS, 'content-encoding': 'gzip' }),
  );
  add(t, 'Accept-Encoding gzip', (ctx) => post(gwsi(ctx), { ...XML_HEADERS, 'accept-encoding': 'gzip' }));
  add(t, 'Expect: 100-continue', (ctx) => post(gwsi(ctx), { ...XML_HEADERS, expect: '100-continue' }));
  for (const method of ['GET', 'PUT', 'DELETE'])
    add(t, `${method} on the endpoint`, () => ({ method, path: SERVICE_PATH, headers: {} }));
  add(t, 'PUT with a SOAP request', (ctx) => ({ ...post(gwsi(ctx)), method: 'PUT' }));
  add(t, 'HEAD on the endpoint', () => ({ method: 'HEAD', path: SERVICE_PATH, headers: {} }));
  add(t, 'HEAD ?wsdl', () => ({ method: 'HEAD', path: `${SERVICE_PATH}?wsdl`, headers: {} }));
  for (const q of ['wsdl', 'WSDL', 'Wsdl', 'wsdl=', 'wsdl=1', 'wsdl&x=1', 'xsd=1', 'x=1&wsdl', 'disco', ''])
    add(t, `GET ?${q}`, () => ({ method: 'GET', path: `${SERVICE_PATH}?${q}`, headers: {} }));
  add(t, 'POST with a query string', (ctx) => post(gwsi(ctx), XML_HEADERS, `${SERVICE_PATH}?x=1`));
  add(t, 'POST ?wsdl with a SOAP request', (ctx) => post(gwsi(ctx), XML_HEADERS, `${SERVICE_PATH}?wsdl`));

  // input that is not well-formed XML, or not XML at all
  const m = 'malformed';
  const S = (inner: string) => `<s:Envelope xmlns:s="${SOAP11_ENVELOPE_NS}">${inner}`;
  const bodyIn = (group: string, name: string, text: (ctx: CaseContext) => string | Buffer) =>
    add(group, name, (ctx) => post(text(ctx)));
  const body = (name: string, text: (ctx: CaseContext) => string | Buffer) => bodyIn(m, name, text);
  body('an empty body', () => '');
  body('only whitespace', () => '  \n ');
  body('only a byte-order mark', () => Buffer.from([0xef, 0xbb, 0xbf]));
  body('text, not XML', () => 'hello');
  body('JSON', () => '{"op":"getWebServiceInfo"}');
  body('only an XML declaration', () => '<?xml version="1.0"?>');
  body('an unclosed Envelope', () => S(''));
  body('an unclosed Body', () => S('<s:Body>'));
  body('an unclosed Header', () => S('<s:Header>'));
  body('a mismatched tag in the Header', () => S('<s:Header><a></b></s:Header><s:Body/></s:Envelope>'));
  body('the operation element unclosed', (ctx) =>
    S(`<s:Body><w:getWebServiceInfo xmlns:w="${escapeXml(ctx.namespace)}">`),
  );
  body('a mismatched tag after the operation element', (ctx) =>
    S(`<s:Body><w:getWebServiceInfo xmlns:w="${escapeXml(ctx.namespace)}"/><oops></s:Body></s:Envelope>`),
  );
  body('an unclosed element as the first payload', () => S('<s:Body><oops></s:Body></s:Envelope>'));
  body('a mismatched tag inside the operation element', (ctx) =>
    soap(ctx, 'getCollectStatus', `${valid('getCollectStatus', ctx)}<a></b>`),
  );
  body('an undefined entity inside the operation element', (ctx) =>
    soap(ctx, 'revoke', valid('revoke', ctx).replace('key compromise', '&nope;')),
  );
  body('an undeclared prefix inside the operation element', (ctx) => soap(ctx, 'getWebServiceInfo', '<p:x/>'));
  body('an undeclared prefix on the Envelope', () => '<soap:Envelope><soap:Body/></soap:Envelope>');
  body('two root elements', (ctx) =>
    gwsi(ctx)
      .replace(/^<\?xml[^>]*\?>/, '')
      .repeat(2),
  );
  body('text after the root element', (ctx) => gwsi(ctx) + 'trailing');
  body('text before the root element', (ctx) => 'hello' + gwsi(ctx).replace(/^<\?xml[^>]*\?>/, ''));
  body('a NUL byte inside the operation element', (ctx) =>
    Buffer.concat([
      Buffer.from(soap(ctx, 'revoke', valid('revoke', ctx)).replace('key compromise', 'key')),
      Buffer.from([0]),
    ]),
  );
  body('a character reference to U+0001', (ctx) =>
    soap(ctx, 'revoke', valid('revoke', ctx).replace('key compromise', '&#1;')),
  );
  body('a 0xFF byte in UTF-8', (ctx) =>
    Buffer.concat([
      Buffer.from(gwsi(ctx).replace('</soapenv:Envelope>', '')),
      Buffer.from([0xff]),
      Buffer.from('</soapenv:Envelope>'),
    ]),
  );
  body('a duplicate attribute', (ctx) => soap(ctx, 'getWebServiceInfo', '<a b="1" b="2"/>'));
  body('a DOCTYPE without entities', (ctx) => `<!DOCTYPE x>${gwsi(ctx).replace(/^<\?xml[^>]*\?>/, '')}`);
  body(
    'a DOCTYPE with an internal entity, unused',
    (ctx) => `<!DOCTYPE x [<!ENTITY a "A">]>${gwsi(ctx).replace(/^<\?xml[^>]*\?>/, '')}`,
  );
  body(
    'a DOCTYPE with an internal entity, used',
    (ctx) =>
      `<!DOCTYPE x [<!ENTITY a "A">]>${soap(ctx, 'revoke', valid('revoke', ctx).replace('key compromise', '&a;')).replace(/^<\?xml[^>]*\?>/, '')}`,
  );
  body('gzip bytes without Content-Encoding', (ctx) => gzipSync(Buffer.from(gwsi(ctx))));
  body('an unknown child nested 300 deep', (ctx) =>
    soap(ctx, 'getCollectStatus', valid('getCollectStatus', ctx) + '<x>'.repeat(300) + '</x>'.repeat(300)),
  );

  // where the parser fails and how it says so: each kind of error inside an operation without parameters
  // (Metro reads all of it) and inside one with parameters (JAXB reads it)
  const w = 'well-formedness';
  const inWrapper = (op: string, inner: string) => (ctx: CaseContext) =>
    soap(ctx, op, op === 'getWebServiceInfo' ? inner : valid(op, ctx) + inner, { declaration: '' });
  const errors: [string, string][] = [
    ['an undeclared element prefix', '<p:x/>'],
    ['an undeclared attribute prefix', '<x p:a="1"/>'],
    ['a duplicate attribute', '<a b="1" c="2" b="3"/>'],
    ['a prefix bound to the empty URI', '<a xmlns:p=""/>'],
    ['the xml prefix rebound', '<a xmlns:xml="urn:x"/>'],
    ['an attribute without a value', '<a b/>'],
    ['an unquoted attribute value', '<a b=c/>'],
    ['attributes without space between them', '<a b="1"c="2"/>'],
    ['a space inside />', '<a/ >'],
    ['< inside an attribute value', '<a b="<"/>'],
    ['an undeclared entity in an attribute', '<a x="&nope;"/>'],
    ['a tag left open with < after it', '<a <b/>'],
    ['a close tag for nothing open', '</a>'],
    ['junk in a close tag', '<a></a x>'],
    ['a mismatched close tag over three lines', '<a>\r\n\r\n<b></c></a>'],
    ['&#0;', '<a>&#0;</a>'],
    ['&#1;', '<a>&#1;</a>'],
    ['&#xFFFE;', '<a>&#xFFFE;</a>'],
    ['&#x110000;', '<a>&#x110000;</a>'],
    ['a letter in a decimal character reference', '<a>&#12a;</a>'],
    ['&#;', '<a>&#;</a>'],
    ['an entity reference without its semicolon', '<a>&amp</a>'],
    ['& followed by a space', '<a>& x</a>'],
    ['a raw control character', '<a>\u0001</a>'],
    ['a raw NUL', '<a>x\u0000y</a>'],
    ['a raw U+FFFE (Woodstox lets it pass)', '<a>\uFFFE</a>'],
    [']]> in text', '<a>]]></a>'],
    ['-- inside a comment', '<!-- a -- b -->'],
    ['<!- that is no comment', '<!- x -->'],
    ['a DOCTYPE inside content', '<!DOCTYPE x>'],
    ['a processing instruction named xml', '<?xml x?>'],
    ['an unterminated processing instruction', '<?pi x'],
    ['an unterminated CDATA section', '<![CDATA[x'],
    ['an unterminated comment', '<!-- x'],
    ['a digit starting a tag name', '<1a/>'],
    ['a colon starting a tag name', '<:a/>'],
    ['a tag name ending in a colon', '<a:/>'],
    ['two colons in a tag name', '<a:b:c/>'],
  ];
  for (const [name, inner] of errors)
    for (const op of ['getWebServiceInfo', 'getKUTemplates']) bodyIn(w, `${name}, inside ${op}`, inWrapper(op, inner));

  // after the payload: JAXB reads one token more and stops; for an operation without parameters Metro reads on
  const afterPayload: [string, string][] = [
    ['a mismatched tag', '<a></b></soapenv:Body></soapenv:Envelope>'],
    ['a start tag with a duplicate attribute', '<a b="1" b="2"></soapenv:Body></soapenv:Envelope>'],
    ['text with an undeclared entity', 'x&nope;</soapenv:Body></soapenv:Envelope>'],
    ['nothing more (end of input)', ''],
    ['the Body closed, then nothing', '</soapenv:Body>'],
    ['junk after the Envelope', '</soapenv:Body></soapenv:Envelope>junk'],
    ['a NUL after the Envelope', '</soapenv:Body></soapenv:Envelope>\u0000'],
    ['a second root after the Envelope', '</soapenv:Body></soapenv:Envelope><x/>'],
    ['a close tag after the Envelope', '</soapenv:Body></soapenv:Envelope> </a>'],
    ['an unterminated comment after the Envelope', '</soapenv:Body></soapenv:Envelope><!-- x'],
  ];
  for (const [name, tail] of afterPayload)
    for (const op of ['getWebServiceInfo', 'getCollectStatus'])
      bodyIn(w, `after the ${op} payload: ${name}`, (ctx) =>
        soap(ctx, op, valid(op, ctx), { declaration: '' }).replace(/<\/soapenv:Body><\/soapenv:Envelope>$/, tail),
      );

  // the prolog and the reader's start
  const prolog: [string, string | Buffer][] = [
    ['a lone <', '<'],
    ['a lone <a', '<a'],
    ['<a and a space', '<a '],
    ['<a b', '<a b'],
    ['<a b=', '<a b='],
    ['an attribute value cut short', '<a b="'],
    ['<a b="1"', '<a b="1"'],
    ['<a b="1"/', '<a b="1"/'],
    ['only a comment', '<!-- x -->'],
    ['only a processing instruction', '<?pi?>'],
    ['a close tag first', '</a>'],
    ['a digit after the first <', '<1/>'],
    ['text on the third line', '\n\n  x'],
    ['an XML declaration after a space', ' <?xml version="1.0"?><a/>'],
    ['<?xml?> with nothing in it', '<?xml?><a/>'],
    ['version 2.0 in the XML declaration', '<?xml version="2.0"?><a/>'],
    ['standalone="maybe" in the XML declaration', '<?xml version="1.0" standalone="maybe"?><a/>'],
    ['a control character first', '\u0001<a/>'],
    ['a NUL first', '\u0000<a/>'],
    ['a byte-order mark and a short root', Buffer.from('\uFEFF<ab/>')],
    ['a byte-order mark and a 6-character root', Buffer.from('\uFEFF<a></a>')],
  ];
  for (const [name, text] of prolog) bodyIn(w, `prolog: ${name}`, () => text);

  // bytes without a charset in the Content-Type: Woodstox decodes them itself
  const bytes = 'encodings';
  const noCharset = { 'content-type': 'text/xml', soapaction: '""' };
  const latin1 = (text: string) => Buffer.from(text, 'latin1');
  const withBytes = (name: string, make: (ctx: CaseContext) => Buffer, headers: Record<string, string> = noCharset) =>
    add(bytes, name, (ctx) => post(make(ctx), headers));
  withBytes('0xFF in content, no charset', (ctx) => latin1(soap(ctx, 'getWebServiceInfo', '<a>x\u00ffy</a>')));
  withBytes(
    '0xFF in content, charset=utf-8',
    (ctx) => latin1(soap(ctx, 'getWebServiceInfo', '<a>x\u00ffy</a>')),
    XML_HEADERS,
  );
  withBytes('0xFF first, no charset', (ctx) => latin1('\u00ff' + soap(ctx, 'getWebServiceInfo', '')));
  withBytes('a bad middle byte, no charset', (ctx) => latin1(soap(ctx, 'getWebServiceInfo', '<a>x\u00c3(y</a>')));
  withBytes('an overlong "/" (Woodstox decodes it), no charset', (ctx) =>
    latin1(soap(ctx, 'getWebServiceInfo', '<a>\u00c0\u00af</a>')),
  );
  for (const op of ['getWebServiceInfo', 'getCollectStatus'])
    withBytes(`a multi-byte character cut at the end, after ${op}, no charset`, (ctx) =>
      Buffer.concat([Buffer.from(soap(ctx, op, valid(op, ctx))), Buffer.from([0xe2, 0x82])]),
    );
  withBytes('only a byte-order mark, no charset', () => Buffer.from([0xef, 0xbb, 0xbf]));
  withBytes('a byte-order mark and <, no charset', () => Buffer.from([0xef, 0xbb, 0xbf, 0x3c]));
  withBytes('an unknown encoding declared, no charset', (ctx) =>
    Buffer.from(soap(ctx, 'getWebServiceInfo', '', { declaration: '<?xml version="1.0" encoding="x-nope"?>' })),
  );
  withBytes(
    'an unknown encoding declared, charset=utf-8',
    (ctx) =>
      Buffer.from(soap(ctx, 'getWebServiceInfo', '', { declaration: '<?xml version="1.0" encoding="x-nope"?>' })),
    XML_HEADERS,
  );
  withBytes('ISO-8859-1 declared, no charset', (ctx) =>
    latin1(
      soap(ctx, 'revoke', valid('revoke', ctx).replace('key compromise', 'r\u00e9voqu\u00e9'), {
        declaration: '<?xml version="1.0" encoding="ISO-8859-1"?>',
      }),
    ),
  );
  withBytes('UTF-16LE with a byte-order mark, no charset', (ctx) =>
    Buffer.from('\uFEFF' + soap(ctx, 'getWebServiceInfo', '', { declaration: '' }), 'utf16le'),
  );
  withBytes('UTF-16LE without a byte-order mark, no charset', (ctx) =>
    Buffer.from(soap(ctx, 'getWebServiceInfo', '', { declaration: '' }), 'utf16le'),
  );
  for (const charset of [
    'UTF-8',
    'utf8',
    'latin1',
    'us-ascii',
    'windows-1252',
    'Cp1252',
    'x-nope',
    'IBM037',
    '',
    '"iso-8859-1";a=b',
  ])
    withBytes(`charset=${charset}`, (ctx) => Buffer.from(soap(ctx, 'getWebServiceInfoX', '')), {
      'content-type': `text/xml; charset=${charset}`,
      soapaction: '""',
    });
  return cases;
}
