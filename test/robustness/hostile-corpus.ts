import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { csrPath, readCsr } from '../support/fixtures.js';
import { authXml, envelope, enrollXml, orderXml, xmlEl } from '../support/soap.js';

/**
 * Hostile requests and what each must get: a SOAP 1.1 fault (with its HTTP status) or a catalog code.
 * Run in-process by hostile-input.test.ts and replayed against a `ccm-mock serve` process by
 * hostile-process.test.ts. Paths in the XXE cases point at files a FileTrap watches.
 */

export type Expect =
  | { fault: 'Client' | 'VersionMismatch' | 'MustUnderstand'; status: number }
  /** HTTP 415 with no body and no Content-Type: what Metro answers a media type its SOAP 1.1 port does not decode */
  | { unsupportedMedia: true }
  /** HTTP 200 with this status code */
  | { code: number }
  /** HTTP 200 with a schema-valid answer (getWebServiceInfo's string) */
  | { ok: true }
  /** HTTP 200 with an order number */
  | { order: true }
  /** a well-formed answer of any kind (the input's meaning is not this project's to decide) */
  | { any: true };

export interface HostileCase {
  group: string;
  name: string;
  body: Buffer | string;
  headers?: Record<string, string>;
  expect: Expect;
}

const client = { fault: 'Client', status: 500 } as const;
const ok = { ok: true } as const;
const S11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const NS = 'http://ws.epki.comodo.com/';
const gwsi = envelope('getWebServiceInfo');
const withoutDecl = (xml: string) => xml.replace(/^<\?xml[^>]*\?>/, '');

/** Deterministic "random" bytes, so a failing case can be replayed exactly. */
function noise(n: number, seed: string): Buffer {
  const out = Buffer.alloc(n);
  for (let i = 0, block = 0; i < n; block++) {
    const h = createHash('sha256').update(`${seed}#${block}`).digest();
    i += h.copy(out, i, 0, Math.min(h.length, n - i));
  }
  return out;
}

export const csrBase64 = readCsr()
  .replace(/-----[^-]+-----/g, '')
  .replace(/\s+/g, '');
const csrDer = Buffer.from(csrBase64, 'base64');

/** The DER of the fixture CSR with one byte sequence replaced (the first occurrence). */
function patched(from: Buffer, to: Buffer): string {
  const at = csrDer.indexOf(from);
  if (at < 0) throw new Error(`fixture CSR holds no ${from.toString('hex')}`);
  return Buffer.concat([csrDer.subarray(0, at), to, csrDer.subarray(at + from.length)]).toString('base64');
}

const RSA_ENCRYPTION = Buffer.from('06092a864886f70d010101', 'hex');
const SHA256_WITH_RSA = Buffer.from('06092a864886f70d01010b', 'hex');

const enrollWith = (fields: Parameters<typeof enrollXml>[0]) =>
  envelope('enroll', enrollXml({ csr: readCsr(), email: 'hostile@example.com', ...fields }));
const big = (n: number, c = 'x') => c.repeat(n);

export function hostileCases(trap: { secretFile: string; trapFile: string }): HostileCase[] {
  const file = (p: string) => `file://${p}`;
  const cases: HostileCase[] = [];
  const add = (group: string, name: string, body: Buffer | string, expect: Expect, headers?: Record<string, string>) =>
    cases.push({ group, name, body, expect, ...(headers ? { headers } : {}) });
  const xml = { 'content-type': 'text/xml; charset=utf-8' };

  // ---- malformed XML ----
  const m = 'malformed XML';
  add(m, 'unclosed elements', `<s:Envelope xmlns:s="${S11}"><s:Body><x>`, client);
  add(m, 'mismatched end tag', `<s:Envelope xmlns:s="${S11}"><s:Body></s:Envelope></s:Body>`, client);
  add(m, 'two root elements', withoutDecl(gwsi) + withoutDecl(gwsi), client);
  add(m, 'text before the root element', 'hello' + withoutDecl(gwsi), client);
  add(m, 'an XML declaration after content', withoutDecl(gwsi) + '<?xml version="1.0"?>', client);
  add(m, 'binary noise', noise(4096, 'noise'), client);
  add(
    m,
    'a NUL byte in element content',
    Buffer.concat([Buffer.from(envelope('getWebServiceInfo', '<a>x')), Buffer.from([0]), Buffer.from('y</a>')]),
    client,
  );
  add(m, 'character reference to U+0000', envelope('getWebServiceInfo', '<a>&#0;</a>'), client);
  add(m, 'character reference to U+FFFE', envelope('getWebServiceInfo', '<a>&#xFFFE;</a>'), client);
  add(m, 'character reference beyond Unicode', envelope('getWebServiceInfo', '<a>&#x110000;</a>'), client);
  add(m, 'an undefined entity', envelope('getWebServiceInfo', '<a>&nope;</a>'), client);
  add(m, 'unterminated CDATA section', envelope('getWebServiceInfo', '<a><![CDATA[x</a>'), client);
  add(m, 'unterminated comment', envelope('getWebServiceInfo', '<!-- x'), client);
  add(m, 'an unquoted attribute', envelope('getWebServiceInfo', '<a b=c/>'), client);
  add(m, 'a duplicate attribute', envelope('getWebServiceInfo', '<a b="1" b="2"/>'), client);
  add(m, 'an undeclared namespace prefix on the envelope', `<soap:Envelope><soap:Body/></soap:Envelope>`, client);
  add(m, 'a byte-order mark and nothing else', Buffer.from([0xef, 0xbb, 0xbf]), client);
  add(
    m,
    'a truncated multi-byte character at the end',
    Buffer.concat([Buffer.from(gwsi), Buffer.from([0xe2, 0x82])]),
    client,
  );
  add(m, 'a SOAP 1.1 envelope without a Body', `<s:Envelope xmlns:s="${S11}"><s:Header/></s:Envelope>`, client);
  add(m, 'an Envelope in no namespace', `<Envelope><Body><getWebServiceInfo xmlns="${NS}"/></Body></Envelope>`, {
    fault: 'VersionMismatch',
    status: 500,
  });

  // ---- DTDs: external entities, parameter entities, entity bombs; SOAP 1.1 forbids any DTD ----
  const d = 'DTD, XXE, entity expansion';
  const after = (dtd: string, inner = '<a>&x;</a>') =>
    `<?xml version="1.0"?>${dtd}` + withoutDecl(envelope('getWebServiceInfo', inner));
  // past the 4 kB the front end inspects before parsing: libxml2 then meets the DTD itself
  const padded = (dtd: string, inner = '<a>&x;</a>') =>
    `<?xml version="1.0"?><!--${big(8192, ' ')}-->${dtd}` + withoutDecl(envelope('getWebServiceInfo', inner));
  for (const [how, wrap] of [
    ['', after],
    [' after 8 kB of comment', padded],
  ] as const) {
    add(
      d,
      `external general entity on a secret file${how}`,
      wrap(`<!DOCTYPE s [<!ENTITY x SYSTEM "${file(trap.secretFile)}">]>`),
      client,
    );
    add(
      d,
      `external general entity on the trap${how}`,
      wrap(`<!DOCTYPE s [<!ENTITY x SYSTEM "${file(trap.trapFile)}">]>`),
      client,
    );
    add(
      d,
      `external parameter entity${how}`,
      wrap(`<!DOCTYPE s [<!ENTITY % p SYSTEM "${file(trap.trapFile)}"> %p;]>`, '<a/>'),
      client,
    );
    add(d, `external DTD subset${how}`, wrap(`<!DOCTYPE s SYSTEM "${file(trap.trapFile)}">`, '<a/>'), client);
    add(
      d,
      `PUBLIC external DTD subset${how}`,
      wrap(`<!DOCTYPE s PUBLIC "-//X//Y//EN" "${file(trap.trapFile)}">`, '<a/>'),
      client,
    );
    add(
      d,
      `external entity over the network${how}`,
      wrap(`<!DOCTYPE s [<!ENTITY x SYSTEM "http://127.0.0.1:9/x">]>`),
      client,
    );
    add(
      d,
      `billion laughs${how}`,
      wrap(
        '<!DOCTYPE s [<!ENTITY x0 "ha">' +
          Array.from({ length: 10 }, (_, i) => `<!ENTITY x${i + 1} "${`&x${i};`.repeat(10)}">`).join('') +
          '<!ENTITY x "&x10;">]>',
      ),
      client,
    );
    add(
      d,
      `quadratic blowup${how}`,
      wrap(`<!DOCTYPE s [<!ENTITY y "${big(20_000, 'a')}">]>`, `<a>${'&y;'.repeat(20_000)}</a>`),
      client,
    );
  }
  const utf16 = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  add(
    d,
    'a UTF-16 document with an external entity on the trap',
    utf16(
      `<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE s [<!ENTITY x SYSTEM "${file(trap.trapFile)}">]>` +
        withoutDecl(envelope('getWebServiceInfo', '<a>&x;</a>')),
    ),
    client,
  );
  add(
    d,
    'XInclude of the trap inside username',
    envelope(
      'enroll',
      enrollXml({ csr: readCsr(), email: 'xinclude@example.com', username: undefined }) +
        `<username><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="${file(trap.trapFile)}" parse="text"/></username>`,
    ),
    { code: -30 },
  );
  add(
    d,
    'XInclude of the secret as the whole payload',
    envelope(
      'getWebServiceInfo',
      `<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="${file(trap.secretFile)}" parse="text"/>`,
    ),
    ok,
  );
  add(
    d,
    'an xml-stylesheet processing instruction on the trap',
    `<?xml version="1.0"?><?xml-stylesheet href="${file(trap.trapFile)}"?>` + withoutDecl(gwsi),
    ok,
  );
  add(
    d,
    'xsi:schemaLocation on the trap',
    envelope('getWebServiceInfo').replace(
      '<ns0:getWebServiceInfo ',
      `<ns0:getWebServiceInfo xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="${NS} ${file(trap.trapFile)}" `,
    ),
    ok,
  );

  // ---- nesting and width ----
  const n = 'nesting and width';
  add(n, '100,000-deep nesting', envelope('getWebServiceInfo', '<a>'.repeat(100_000) + '</a>'.repeat(100_000)), client);
  add(
    n,
    '1,000-deep nesting inside username',
    enrollWith({ username: undefined }).replace(
      '</ns0:enroll>',
      `<username>${'<b>'.repeat(1000)}x${'</b>'.repeat(1000)}</username></ns0:enroll>`,
    ),
    client,
  );
  add(
    n,
    '200-deep nesting inside an unknown element (under the limit)',
    envelope('getWebServiceInfo', '<a>'.repeat(200) + '</a>'.repeat(200)),
    ok,
  );
  add(n, '100,000 unknown sibling elements', envelope('getWebServiceInfo', '<a/>'.repeat(100_000)), ok);
  add(
    n,
    '20,000 repeated orderNumber elements (the last one counts)',
    envelope('getCollectStatus', authXml() + '<orderNumber>1</orderNumber>'.repeat(20_000)),
    { code: -2 },
  );
  add(
    n,
    '5,000 attributes on the wrapper',
    envelope('getWebServiceInfo').replace(
      '<ns0:getWebServiceInfo ',
      `<ns0:getWebServiceInfo ${Array.from({ length: 5000 }, (_, i) => `a${i}="${i}"`).join(' ')} `,
    ),
    ok,
  );
  add(
    n,
    '5,000 namespace declarations on the wrapper',
    envelope('getWebServiceInfo').replace(
      '<ns0:getWebServiceInfo ',
      `<ns0:getWebServiceInfo ${Array.from({ length: 5000 }, (_, i) => `xmlns:p${i}="urn:x:${i}"`).join(' ')} `,
    ),
    ok,
  );
  add(
    n,
    'a 500 kB attribute value',
    envelope('getWebServiceInfo').replace('<ns0:getWebServiceInfo ', `<ns0:getWebServiceInfo a="${big(500_000)}" `),
    ok,
  );
  add(n, 'a 500 kB element name', envelope('getWebServiceInfo', `<${big(500_000, 'n')}/>`), { any: true });

  // ---- content types and SOAP versions ----
  const t = 'content type and SOAP version';
  const unsupported = { unsupportedMedia: true } as const;
  add(t, 'no Content-Type header (read as text/xml, as Metro does)', gwsi, ok, {});
  add(t, 'text/plain', gwsi, unsupported, { 'content-type': 'text/plain' });
  add(t, 'application/xml', gwsi, unsupported, { 'content-type': 'application/xml' });
  add(t, 'MTOM (multipart/related)', gwsi, unsupported, {
    'content-type': 'multipart/related; type="application/xop+xml"; boundary=x',
  });
  add(t, 'SOAP 1.2 (application/soap+xml)', gwsi, unsupported, {
    'content-type': 'application/soap+xml; charset=utf-8',
  });
  add(t, 'a 10 kB Content-Type', gwsi, unsupported, { 'content-type': 'text/' + big(10_000) });
  add(t, 'TEXT/XML in capitals (Metro compares case-sensitively)', gwsi, unsupported, {
    'content-type': 'TEXT/XML; CHARSET=UTF-8',
  });
  add(
    t,
    'a SOAP 1.2 envelope sent as text/xml',
    `<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body><n:getWebServiceInfo xmlns:n="${NS}"/></e:Body></e:Envelope>`,
    { fault: 'VersionMismatch', status: 500 },
  );
  add(
    t,
    'a mustUnderstand header in SOAP 1.2 style ("true")',
    `<s:Envelope xmlns:s="${S11}"><s:Header><w:Security xmlns:w="urn:wsse" s:mustUnderstand="true"/></s:Header><s:Body><n:getWebServiceInfo xmlns:n="${NS}"/></s:Body></s:Envelope>`,
    { fault: 'MustUnderstand', status: 500 },
  );
  add(
    t,
    'unsupported Content-Encoding',
    gwsi,
    { fault: 'Client', status: 415 },
    { ...xml, 'content-encoding': 'compress' },
  );

  // ---- bytes that are not UTF-8 ----
  const u = 'encodings';
  const enrollBytes = (username: Buffer, encodingDecl = 'UTF-8') => {
    const [head, tail] = enrollWith({ username: 'USERNAME' })
      .replace('encoding="UTF-8"', `encoding="${encodingDecl}"`)
      .split('USERNAME');
    return Buffer.concat([Buffer.from(head, 'latin1'), username, Buffer.from(tail, 'latin1')]);
  };
  add(u, 'a 0xFF byte in a UTF-8 document', enrollBytes(Buffer.from([0x4a, 0xff, 0x65])), client);
  add(u, 'an overlong UTF-8 encoding of "/"', enrollBytes(Buffer.from([0xc0, 0xaf])), client);
  add(u, 'a UTF-8-encoded surrogate', enrollBytes(Buffer.from([0xed, 0xa0, 0x80])), client);
  add(u, 'Latin-1 bytes declared as UTF-8', enrollBytes(Buffer.from('José', 'latin1')), client);
  add(u, 'a Latin-1 document declared ISO-8859-1', enrollBytes(Buffer.from('José Müller', 'latin1'), 'ISO-8859-1'), {
    order: true,
  });
  add(u, 'a UTF-16LE document with a byte-order mark', utf16(gwsi.replace('UTF-8', 'UTF-16')), ok);
  add(u, 'an encoding nobody knows', gwsi.replace('UTF-8', 'x-no-such-charset'), client);
  add(u, 'Shift_JIS declared', gwsi.replace('UTF-8', 'Shift_JIS'), { any: true });

  // ---- numbers where xs:int is expected ----
  const i = 'xs:int values';
  const status = (v: string) => envelope('getCollectStatus', orderXml(v));
  const org = (v: string) => enrollWith({ orgId: v });
  add(i, 'orgId 2147483648 (one past xs:int)', org('2147483648'), client);
  add(i, 'orgId -2147483649', org('-2147483649'), client);
  add(i, 'orgId 2147483647', org('2147483647'), { code: -101 });
  add(i, 'orgId -2147483648', org('-2147483648'), { code: -101 });
  add(i, 'orgId -5', org('-5'), { code: -101 });
  add(i, 'orderNumber with 100,000 digits', status(big(100_000, '9')), client);
  add(i, 'orderNumber 1 after 100,000 leading zeros', status(big(100_000, '0') + '1'), { code: -2 });
  add(i, 'orderNumber 0', status('0'), { code: -1 });
  add(i, 'orderNumber -1', status('-1'), { code: -1 });
  add(i, 'orderNumber -0', status('-0'), { code: -1 });
  add(i, 'orderNumber +7', status('+7'), { code: -2 });
  add(i, 'orderNumber with whitespace around', status(' \n\t7\t\n '), { code: -2 });
  for (const v of ['7.0', '1e3', '0x10', 'NaN', 'Infinity', '--7', '7-', '\uFF17', '\u0667', '1 000'])
    add(i, `orderNumber ${JSON.stringify(v)}`, status(v), client);

  // ---- oversized fields: the catalog's codes, nothing more ----
  const f = 'oversized fields';
  const K100 = 100_000;
  add(f, 'username of 200 kB', enrollWith({ username: big(200_000) }), { code: -30 });
  add(f, 'email of 200 kB', enrollWith({ email: big(200_000) + '@example.com' }), { code: -31 });
  add(f, 'secretKey of 200 kB', enrollWith({ secretKey: big(200_000) }), { code: -101 });
  add(f, 'csr of 500 kB', enrollWith({ csr: big(500_000, 'A') }), { code: -9 }); // over the guide's 32767 characters: refused as text
  add(
    f,
    'password of 500 kB',
    envelope(
      'getCollectStatus',
      authXml({ login: 'admin', password: big(500_000), customerLoginUri: 'sandbox' }) + xmlEl('orderNumber', 1),
    ),
    { code: -100 },
  );
  add(
    f,
    'login of 500 kB',
    envelope(
      'getCollectStatus',
      authXml({ login: big(500_000), password: 'sandbox', customerLoginUri: 'sandbox' }) + xmlEl('orderNumber', 1),
    ),
    { code: -100 },
  );
  add(
    f,
    'customerLoginUri of 500 kB',
    envelope(
      'getCollectStatus',
      authXml({ login: 'admin', password: 'sandbox', customerLoginUri: big(500_000) }) + xmlEl('orderNumber', 1),
    ),
    { code: -100 },
  );
  add(f, 'revoke reason of 100 kB', envelope('revoke', orderXml(1, undefined, xmlEl('reason', big(K100)))), {
    code: -5,
  });
  add(
    f,
    'serialNumber of 100 kB',
    envelope('revokeBySerialNumber', authXml() + xmlEl('serialNumber', big(K100, 'a'))),
    { code: -3 },
  );
  add(
    f,
    'org of 100 kB',
    envelope('revokeAllByPerson', authXml() + xmlEl('email', 'alice@example.com') + xmlEl('org', big(K100))),
    { code: -32 },
  );
  add(
    f,
    'dep of 100 kB',
    envelope(
      'revokeAllByPerson',
      authXml() + xmlEl('email', 'alice@example.com') + xmlEl('org', 'Sandbox Org') + xmlEl('dep', big(K100)),
    ),
    { code: -32 },
  );
  add(
    f,
    'kuTemplate shortName of 100 kB',
    envelope(
      'enrollUsingKUTemplates',
      enrollXml({ csr: readCsr(), email: 'hostile@example.com', templates: [big(K100)] }),
    ),
    { code: -112 },
  );
  add(
    f,
    '5,000 kuTemplate elements',
    envelope(
      'enrollUsingKUTemplates',
      enrollXml({
        csr: readCsr(),
        email: 'hostile@example.com',
        templates: Array.from({ length: 5000 }, (_, k) => `t${k}`),
      }),
    ),
    { code: -112 },
  );

  // ---- garbage CSRs ----
  const c = 'garbage CSRs';
  add(c, 'the first half of the DER', enrollWith({ csr: csrDer.subarray(0, csrDer.length >> 1).toString('base64') }), {
    code: -10,
  });
  add(c, 'all but the last byte', enrollWith({ csr: csrDer.subarray(0, -1).toString('base64') }), { code: -10 });
  add(
    c,
    'trailing bytes after the request',
    enrollWith({ csr: Buffer.concat([csrDer, Buffer.from([0, 0])]).toString('base64') }),
    { code: -10 },
  );
  add(
    c,
    'a key algorithm OID that is not rsaEncryption',
    enrollWith({ csr: patched(RSA_ENCRYPTION, Buffer.from('06092a864886f70d010109', 'hex')) }),
    { code: -11 },
  );
  add(
    c,
    'an unknown signature algorithm OID',
    enrollWith({ csr: patched(SHA256_WITH_RSA, Buffer.from('06092a864886f70d01017f', 'hex')) }),
    { code: -11 },
  );
  add(
    c,
    'sha1WithRSA claimed for a sha256 signature',
    enrollWith({ csr: patched(SHA256_WITH_RSA, Buffer.from('06092a864886f70d010105', 'hex')) }),
    { code: -12 },
  );
  add(
    c,
    'an outer length claiming 4 GB',
    enrollWith({
      csr: Buffer.concat([Buffer.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xff]), csrDer.subarray(4)]).toString('base64'),
    }),
    { code: -10 },
  );
  add(
    c,
    'a five-byte length',
    enrollWith({
      csr: Buffer.concat([Buffer.from([0x30, 0x85, 0, 0, 0, 1, 0]), csrDer.subarray(4)]).toString('base64'),
    }),
    { code: -10 },
  );
  add(
    c,
    'an indefinite length (BER, not DER)',
    enrollWith({
      csr: Buffer.concat([Buffer.from([0x30, 0x80]), csrDer.subarray(4), Buffer.from([0, 0])]).toString('base64'),
    }),
    { code: -10 },
  );
  add(c, 'random bytes', enrollWith({ csr: noise(700, 'csr').toString('base64') }), { code: -10 });
  add(
    c,
    'base64 of text',
    enrollWith({ csr: Buffer.from('this is not a certificate request at all').toString('base64') }),
    { code: -10 },
  );
  add(
    c,
    'a certificate instead of a CSR',
    enrollWith({ csr: readFileSync(csrPath('certificate-not-csr.pem'), 'utf8') }),
    { code: -10 },
  );
  add(
    c,
    'PEM armour around nothing',
    enrollWith({ csr: '-----BEGIN CERTIFICATE REQUEST-----\n-----END CERTIFICATE REQUEST-----' }),
    { code: -9 },
  );
  add(c, 'XML-special characters', enrollWith({ csr: `<&>"'` }), { code: -9 });
  add(
    c,
    'base64 with a character that is not',
    enrollWith({ csr: csrBase64.slice(0, 100) + '!' + csrBase64.slice(100) }),
    { code: -9 },
  );
  add(c, '32,768 characters of base64', enrollWith({ csr: big(32_768, 'A') }), { code: -9 }); // over the guide's limit, before decoding
  return cases;
}
