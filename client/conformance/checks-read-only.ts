import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { PemConverter, Pkcs10CertificateRequest } from '@peculiar/x509';
import { contract, SOAP11_ENVELOPE_NS } from '../../wsdl/contract.js';
import { Status } from '../../wsdl/status-codes.js';
import { escapeXml } from '../../wsdl/xml.js';
import { wsdlDrift } from './drift.js';
import { expect, expectCode, expectRefusal, fail, type Check } from './check.js';

/** Checks that cannot create or revoke anything: they run by default, against any endpoint. */

/** The CSR with the last bit of its signature flipped: it still decodes, but proves possession of no key. */
function withBrokenSignature(csr: string): string {
  const der = Buffer.from(new Pkcs10CertificateRequest(csr).rawData);
  der[der.length - 1] ^= 0x01; // the signature BIT STRING ends the DER
  return PemConverter.encode(der, 'CERTIFICATE REQUEST') + '\n';
}

/** An order number no account will have (the largest xs:int). */
const UNUSED_ORDER_NUMBER = 2_147_483_647;

export const READ_ONLY_CHECKS: Check[] = [
  {
    name: 'wsdl-drift',
    title: "the endpoint's ?wsdl has the structure of wsdl/EPKIManager.wsdl",
    tags: ['read-only'],
    guide: '1 (View WSDL), 2.1-2.6 (signatures)',
    // eslint-disable-next-line @typescript-eslint/require-await -- async so that fail()'s throw is the promise's rejection
    async run(ctx) {
      if ('error' in ctx.wsdl) fail(`the WSDL could not be read: ${ctx.wsdl.error}`);
      if (ctx.wsdl.imported.length) ctx.note(`schema imported from ${ctx.wsdl.imported.join(', ')}`);
      const items = wsdlDrift(contract, ctx.wsdl.model);
      ctx.drift(items);
      if (items.length)
        fail(`${items.length} structural difference${items.length === 1 ? '' : 's'} from wsdl/EPKIManager.wsdl`);
    },
  },
  {
    name: 'web-service-info',
    title: 'getWebServiceInfo answers a non-empty string',
    tags: ['read-only'],
    guide: '2.6',
    async run(ctx) {
      const info = await ctx.client.getWebServiceInfo();
      expect(info.trim().length > 0, 'getWebServiceInfo answered an empty string');
      ctx.note(`getWebServiceInfo: ${JSON.stringify(info.length > 120 ? info.slice(0, 120) + '...' : info)}`);
    },
  },
  {
    name: 'invalid-auth-data',
    title: 'an unknown admin login is answered -100',
    tags: ['read-only'],
    guide: '2.1.3, 2.2.2 (-100)',
    async run(ctx) {
      // a login that cannot exist, never the real one with a wrong password: no lockout risk for the account
      const stranger = ctx.clientFor({
        login: `ccm-conformance-nobody-${ctx.runId}`,
        password: 'not-a-password',
        customerLoginUri: ctx.auth.customerLoginUri,
      });
      await expectCode('getCollectStatus', Status.INVALID_AUTH_DATA, () =>
        stranger.getCollectStatus(UNUSED_ORDER_NUMBER),
      );
    },
  },
  {
    name: 'ku-templates',
    title: 'getKUTemplates lists templates with KU codes and EKU OIDs',
    tags: ['read-only'],
    guide: '2.5, 2.1.4-2.1.6',
    async run(ctx) {
      const templates = await ctx.client.getKUTemplates();
      ctx.note(`${templates.length} template(s): ${templates.map((t) => t.shortName).join(', ') || '(none)'}`);
      for (const t of templates) {
        expect(t.shortName, 'a template has no shortName');
        for (const ku of t.keyUsages ?? [])
          expect(Number.isInteger(ku.code), `template ${t.shortName}: a KeyUsage code is not an integer`);
        for (const eku of t.extKeyUsages ?? [])
          expect(
            eku.code && /^\d+(\.\d+)+$/.test(eku.code),
            `template ${t.shortName}: ExtKeyUsage code ${JSON.stringify(eku.code)} is not an OID`,
          );
      }
    },
  },
  {
    name: 'invalid-order-number',
    title: 'getCollectStatus and collect answer -1 for a negative order number',
    tags: ['read-only'],
    guide: '2.2.2, 2.3.2 (-1)',
    async run(ctx) {
      await expectCode('getCollectStatus', Status.INVALID_ORDER_NUMBER, () => ctx.client.getCollectStatus(-1));
      await expectCode('collect', Status.INVALID_ORDER_NUMBER, () => ctx.client.collect(-1));
    },
  },
  {
    name: 'order-number-not-found',
    title: 'getCollectStatus and collect answer -2 for an order number the account does not have',
    tags: ['read-only'],
    guide: '2.2.2, 2.3.2 (-2; history 1.5.2)',
    async run(ctx) {
      await expectCode('getCollectStatus', Status.ORDER_NUMBER_NOT_FOUND, () =>
        ctx.client.getCollectStatus(UNUSED_ORDER_NUMBER),
      );
      await expectCode('collect', Status.ORDER_NUMBER_NOT_FOUND, () => ctx.client.collect(UNUSED_ORDER_NUMBER));
    },
  },
  {
    name: 'revoke-argument-checks',
    title:
      'revoke answers -1 for a negative order number; revokeBySerialNumber -3 for a malformed and -4 for an unknown serial',
    tags: ['read-only'],
    // these name no certificate: a negative order number, a non-hex serial, and 136 random bits no certificate has
    guide: '2.4.2 (-1, -3, -4)',
    async run(ctx) {
      await expectCode('revoke', Status.INVALID_ORDER_NUMBER, () =>
        ctx.client.revoke(-1, 'ccm conformance: argument check'),
      );
      await expectCode('revokeBySerialNumber', Status.INVALID_SERIAL_NUMBER, () =>
        ctx.client.revokeBySerialNumber('not-a-serial!', 'ccm conformance: argument check'),
      );
      const unknown = 'cc' + randomBytes(16).toString('hex');
      await expectCode('revokeBySerialNumber', Status.SERIAL_NUMBER_NOT_FOUND, () =>
        ctx.client.revokeBySerialNumber(unknown, 'ccm conformance: argument check'),
      );
    },
  },
  {
    name: 'enroll-wrong-secret-key',
    title:
      "enroll with the organization's id and a wrong secret key answers -101 (the CSR's signature is broken, so nothing can be issued)",
    tags: ['read-only'],
    guide: '2.1.1.1, 2.1.1.2 (-101)',
    async run(ctx) {
      ctx.requireConfig('orgId', 'emailDomain');
      // a service that ignored the secret key must still refuse this CSR (-12): a read-only check cannot issue
      const csr = withBrokenSignature(await ctx.csr('ccm conformance'));
      await expectRefusal(
        ctx,
        Status.INVALID_ORG_AUTH,
        'wrong-secret',
        { csr, orgId: ctx.orgId, secretKey: `wrong-${ctx.runId}`.slice(0, 20) },
        'enroll',
        {
          [Status.CSR_INVALID_SIGNATURE]:
            "the endpoint judged the CSR (whose signature this check breaks on purpose, so that it cannot issue) before the secret key, or it does not check the secret key; ccm-mock checks the organization's secret key first",
        },
      );
    },
  },
  {
    name: 'enroll-csr-not-base64',
    title: 'enroll with a CSR that is not base64 answers -9',
    tags: ['read-only'],
    guide: '2.1.1.1, 2.1.1.2 (-9)',
    async run(ctx) {
      ctx.requireConfig('orgId', 'secretKey', 'emailDomain');
      await expectRefusal(ctx, Status.CSR_NOT_BASE64, 'bad-csr', { csr: '*** this is not a certificate request ***' });
    },
  },
  {
    name: 'fault-unknown-operation',
    title: 'an operation the service does not have gets HTTP 500 and a SOAP 1.1 Client fault',
    tags: ['read-only'],
    guide: 'none: JAX-WS/Metro behaviour (docs/wire-fidelity.md)',
    async run(ctx) {
      const body =
        `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="${SOAP11_ENVELOPE_NS}"><soap:Body>` +
        `<ns0:ccmConformanceNoSuchOperation xmlns:ns0="${escapeXml(ctx.namespace)}"/></soap:Body></soap:Envelope>`;
      const res = await ctx.fetch(ctx.endpoint, {
        method: 'POST',
        body,
        headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '""' },
      });
      const text = await res.text();
      ctx.note(`HTTP ${res.status}, ${res.headers.get('content-type') ?? 'no content type'}`);
      expect(res.status === 500, `expected HTTP 500, got ${res.status}`);
      expect(
        text.includes(SOAP11_ENVELOPE_NS) && /<(\w+:)?Fault[\s>]/.test(text),
        'the answer is not a SOAP 1.1 Fault',
      );
      const code = /<faultcode>([^<]*)<\/faultcode>/.exec(text)?.[1] ?? '';
      expect(code.endsWith('Client'), `expected faultcode Client, got ${JSON.stringify(code)}`);
      ctx.note(`faultstring: ${/<faultstring>([^<]*)<\/faultstring>/.exec(text)?.[1] ?? '(none)'}`);
    },
  },
];
