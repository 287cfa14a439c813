import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { XmlDocument, type XmlElement } from 'libxml2-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XSD_NS } from '../../wsdl/schema-model.js';
import { elementChildren } from '../../wsdl/xml.js';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import { readCsr } from '../support/fixtures.js';
import { tempDir } from '../support/openssl.js';
import { authXml, call, enrollXml, envelope, orderXml, xmlEl } from '../support/soap.js';

/**
 * xmllint (Debian's libxml2-utils) as an independent judge: the schema inside the served WSDL compiles,
 * and what the mock answers for every operation - and what a zeep-shaped client sends - validates against it.
 */

let mock: MockServer;
let dir: string;
let xsd: string;
beforeAll(async () => {
  mock = await createMockServer();
  dir = tempDir();
  const wsdl = XmlDocument.fromString(await (await fetch(mock.wsdlUrl)).text());
  const schema = wsdl.get('//xs:schema', { xs: XSD_NS }) as XmlElement;
  xsd = join(dir, 'epki.xsd');
  writeFileSync(xsd, schema.toString());
  wsdl.dispose();
});
afterAll(() => mock.close());

let n = 0;
async function xmllint(payloadXml: string): Promise<string> {
  const file = join(dir, `payload-${++n}.xml`);
  writeFileSync(file, payloadXml);
  const { stderr } = await promisify(execFile)('xmllint', ['--noout', '--schema', xsd, file], { encoding: 'utf8' });
  return stderr.trim();
}

/** The Body's payload element of a SOAP message, as a standalone document (namespace declarations kept). */
function payloadOf(soap: string): string {
  const doc = XmlDocument.fromString(soap);
  try {
    const body = elementChildren(doc.root).find((c) => c.name === 'Body')!;
    return elementChildren(body)[0].toString();
  } finally {
    doc.dispose();
  }
}

describe('xmllint --schema', () => {
  it('compiles the schema published in the WSDL', async () => {
    const { stdout, stderr } = await promisify(execFile)('xmllint', ['--noout', '--schema', xsd, xsd], {
      encoding: 'utf8',
    }).catch((e: { stdout?: string; stderr?: string }) => e); // exits non-zero: the streams are on the error
    // validating the schema file against itself fails on content, but a schema that does not compile says so first
    expect(String(stdout) + String(stderr)).not.toMatch(/failed to compile|Schemas parser error/);
  });

  it('accepts every response the mock produces', async () => {
    const enrolled = await call(mock.endpoint, 'enroll', enrollXml({ csr: readCsr() }));
    const templatedAnswer = await call(
      mock.endpoint,
      'enrollUsingKUTemplates',
      enrollXml({ csr: readCsr(), email: 'x@example.com', templates: ['client-auth'] }),
    );
    const [order, templated] = [enrolled.code, templatedAnswer.code];
    expect([order, templated].every((n) => n > 0)).toBe(true);
    const serial = mock.store.get(templated)!.certificate!.serial;
    const pending = (
      await call(mock.endpoint, 'enroll', enrollXml({ csr: readCsr(), email: 'x+pending2@example.com' }))
    ).code;
    const responses = [
      enrolled,
      templatedAnswer,
      await call(mock.endpoint, 'enroll', enrollXml({ csr: 'not base64!' })),
      await call(
        mock.endpoint,
        'enrollUsingKUTemplates',
        enrollXml({ csr: readCsr(), templates: ['no-such-template'] }),
      ),
      await call(mock.endpoint, 'collect', orderXml(pending)),
      await call(mock.endpoint, 'getWebServiceInfo'),
      await call(mock.endpoint, 'getKUTemplates', authXml()),
      await call(mock.endpoint, 'getKUTemplates', authXml({ login: 'nobody' })),
      await call(mock.endpoint, 'getCollectStatus', orderXml(order)),
      await call(mock.endpoint, 'collect', orderXml(order)),
      await call(mock.endpoint, 'collect', orderXml(0)),
      await call(mock.endpoint, 'revoke', orderXml(order, undefined, xmlEl('reason', 'test'))),
      await call(
        mock.endpoint,
        'revokeBySerialNumber',
        authXml() + xmlEl('serialNumber', serial) + xmlEl('reason', ''),
      ),
      await call(
        mock.endpoint,
        'revokeAllByPerson',
        authXml() + xmlEl('email', 'x@example.com') + xmlEl('org', 'Sandbox Org') + xmlEl('dep', ''),
      ),
    ];
    expect(responses.slice(2, 5).map((r) => r.code)).toEqual([-9, -112, 0]); // refusals and a collect without a certificate
    for (const r of responses) expect(await xmllint(payloadOf(r.text)), r.text).toMatch(/validates$/);
  });

  it('accepts requests shaped as zeep sends them (schema order)', async () => {
    const requests = [
      envelope('enroll', enrollXml({ csr: readCsr() })),
      envelope('enrollUsingKUTemplates', enrollXml({ csr: readCsr(), templates: ['smime-standard'] })),
      envelope('getCollectStatus', orderXml(1)),
      envelope(
        'revokeAllByPerson',
        authXml() + xmlEl('email', 'a@example.com') + xmlEl('org', 'Sandbox Org') + xmlEl('dep', 'Sales'),
      ),
      envelope('getWebServiceInfo'),
    ];
    for (const r of requests) expect(await xmllint(payloadOf(r))).toMatch(/validates$/);
  });
});
