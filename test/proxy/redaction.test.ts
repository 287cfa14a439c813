import { describe, expect, it } from 'vitest';
import { parseKeepList, Redactor, UNREADABLE_NOTE } from '../../server/proxy/redaction.js';
import { payloadElement, scanXml } from '../../wsdl/codec/index.js';

/**
 * Redaction replaces element text only: tags, prefixes, namespace declarations, order numbers and everything
 * else stay byte for byte (the pitfall of recorded fixtures whose placeholders corrupt namespace URIs), and no
 * redacted value survives anywhere else in the exchange.
 */

const NS = 'http://smime.ws.epki.comodo.com/';
const request =
  `<?xml version="1.0" encoding="UTF-8"?>\n<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/">` +
  `<soap-env:Body><ns0:enroll xmlns:ns0="${NS}"><authData><login>op-login</login><password>p&amp;ss comodo</password>` +
  `<customerLoginUri>acme</customerLoginUri></authData><orgId>3101</orgId><secretKey><![CDATA[s3cr3t]]></secretKey>` +
  `<username>Ann Example</username><email>ann@example.net</email><csr>-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----</csr>` +
  `</ns0:enroll></soap-env:Body></soap-env:Envelope>`;

const redact = (keep: string, ...messages: string[]) =>
  new Redactor(parseKeepList(keep)).redactExchange(messages.map((m) => Buffer.from(m, 'latin1'))).texts;

describe('redaction of recorded messages', () => {
  it('replaces the text of secret and personal elements, and nothing else', () => {
    const [out] = redact('', request);
    expect(out).toBe(
      request
        .replace('>op-login<', '>[redacted]<')
        .replace('>p&amp;ss comodo<', '>[redacted]<')
        .replace('>acme<', '>[redacted]<')
        .replace('><![CDATA[s3cr3t]]><', '>[redacted]<')
        .replace('>Ann Example<', '>[redacted]<')
        .replace('>ann@example.net<', '>[redacted]<')
        .replace(/<csr>[^<]*<\/csr>/, '<csr>[redacted]</csr>'),
    );
    // a password that is part of the namespace URI ("comodo") leaves the URI alone
    expect(out).toContain(`xmlns:ns0="${NS}"`);
  });

  it('keeps what recordKeep names, never password or secretKey', () => {
    const [out] = redact('login,customerLoginUri,email,username,csr', request);
    expect(out).toContain('<login>op-login</login>');
    expect(out).toContain('<email>ann@example.net</email>');
    expect(out).toContain('<password>[redacted]</password>');
    expect(out).toContain('<secretKey>[redacted]</secretKey>');
    expect(() => parseKeepList('login,password')).toThrow('"password" is not something that can be kept');
  });

  it('scrubs a redacted value from the text of the other message (an upstream echoing it in a fault), not from tags', () => {
    const fault =
      "<?xml version='1.0' encoding='UTF-8'?><S:Envelope xmlns:S=\"http://schemas.xmlsoap.org/soap/envelope/\"><S:Body><S:Fault>" +
      '<faultcode>S:Client</faultcode><faultstring>bad password p&amp;ss comodo for op-login, key s3cr3t</faultstring></S:Fault></S:Body></S:Envelope>';
    const [, out] = redact('', request, fault);
    expect(out).toBe(
      fault.replace('p&amp;ss comodo for op-login, key s3cr3t', '[redacted] for [redacted], key [redacted]'),
    );
  });

  it('survives what is not XML: a body cut short, garbage, an unclosed secret (redacted to the end)', () => {
    const cut = request.slice(0, request.indexOf('comodo'));
    expect(redact('', cut)[0]).toBe(
      cut.replace('>op-login<', '>[redacted]<').replace(/<password>.*$/, '<password>[redacted]'),
    );
    expect(redact('', 'a < b > c <password>x</password')[0]).toBe('a < b > c <password>[redacted]</password');
    expect(redact('', 'a <password>x')[0]).toBe('a <password>[redacted]');
    expect(redact('', '')[0]).toBe('');
  });

  it('writes nothing of a message it cannot read (UTF-16)', () => {
    const utf16 = Buffer.from('\uFEFF<password>secret</password>', 'utf16le');
    expect(new Redactor().redactExchange([utf16]).texts).toEqual([UNREADABLE_NOTE]);
  });

  it('keeps secret header values out', () => {
    expect(new Redactor().headers({ authorization: 'Basic abc', soapaction: '""', cookie: 'JSESSIONID=1' })).toEqual({
      authorization: '[redacted]',
      soapaction: '""',
      cookie: '[redacted]',
    });
  });
});

describe('the tolerant scanner', () => {
  it('finds tags by position, with quoted > in attributes, CDATA, comments and PIs', () => {
    const text = `<?xml version="1.0"?><!-- c --><a x="1>2"><b/><![CDATA[<not-a-tag>]]></a>`;
    expect([...scanXml(text)].map((t) => `${t.kind}:${text.slice(t.start, t.end)}`)).toEqual([
      'other:<?xml version="1.0"?>',
      'other:<!-- c -->',
      'open:<a x="1>2">',
      'open:<b/>',
      'text:<not-a-tag>',
      'close:</a>',
    ]);
  });

  it("finds a message's payload, even a malformed one", () => {
    const at = payloadElement(request)!;
    expect(at.local).toBe('enroll');
    expect(request.slice(at.start, at.end)).toMatch(/^<ns0:enroll xmlns:ns0="[^"]+"><authData>[\s\S]*<\/ns0:enroll>$/);
    const cut = '<S:Envelope><S:Body><ns2:collectResponse><return>';
    expect(payloadElement(cut)).toEqual({ local: 'collectResponse', start: 20, end: cut.length });
    expect(payloadElement('<S:Envelope><S:Body><x/></S:Body></S:Envelope>')).toEqual({
      local: 'x',
      start: 20,
      end: 24,
    });
    expect(payloadElement('<S:Envelope><S:Body/></S:Envelope>')).toBeUndefined();
    expect(payloadElement('not xml')).toBeUndefined();
  });
});
