import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import {
  ExtendedKeyUsageExtension,
  Name,
  Pkcs10CertificateRequest,
  Pkcs10CertificateRequestGenerator,
} from '@peculiar/x509';
import { Status } from '../../wsdl/status-codes.js';
import { generateKeyAndCsr } from '../csr.js';
import { CcmStatusError } from '../errors.js';
import { expect, expectCode, expectRefusal, fail, type Check, type CheckContext } from './check.js';

/**
 * Checks that enroll (--allow-issue) and revoke (--allow-revoke). Every order they create is recorded,
 * and the run revokes only those. Checks that expect a refusal are tagged issues-certificate as well:
 * an endpoint more lenient than the guide would issue.
 */

const sameBytes = (a: ArrayBuffer, b: ArrayBuffer) => Buffer.from(a).equals(Buffer.from(b));

async function ecCsr(): Promise<string> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await webcrypto.subtle.generateKey(alg, false, ['sign', 'verify']);
  const csr = await Pkcs10CertificateRequestGenerator.create(
    { name: new Name('CN=ccm conformance EC'), keys, signingAlgorithm: alg },
    webcrypto,
  );
  return csr.toString('pem');
}

async function issued(ctx: CheckContext, label: string) {
  const username = `ccm conformance ${label}`;
  const csr = await ctx.csr(username);
  const { orderNumber, email } = await ctx.enroll(label, { csr, username });
  const cert = await ctx.collect(orderNumber);
  return { orderNumber, email, cert, csr, username };
}

export const ISSUING_CHECKS: Check[] = [
  {
    name: 'enroll-collect',
    title:
      'enroll, getCollectStatus until 1, collect: a certificate for the e-mail, the username and the key of the CSR',
    tags: ['issues-certificate'],
    guide: '2.1.1, 2.2, 2.3',
    async run(ctx) {
      ctx.requireConfig('orgId', 'secretKey', 'emailDomain');
      const { orderNumber, email, cert, csr, username } = await issued(ctx, 'enroll');
      ctx.note(`order ${orderNumber}, serial ${cert.serialNumber}`);
      const count = `${1 + cert.chain.length} certificate${cert.chain.length ? 's' : ''}`;
      const described = {
        pkcs7: `base64 DER PKCS#7 (${count})`,
        x509: 'base64 DER X.509 (the leaf alone)',
        pem: `PEM certificates (${count})`,
        'pkcs7-pem': `a PEM PKCS7 block (${count})`,
      }[cert.format];
      const setting = {
        pkcs7: '--cert-format pkcs7',
        x509: '--cert-format x509',
        pem: '--cert-format pem-chain',
        'pkcs7-pem': 'none yet (the mock sends pkcs7, x509 or pem-chain)',
      }[cert.format];
      ctx.note(`collect's certificate format: ${described}; the mock's matching setting: ${setting}`);
      expect(
        cert.emails.map((e) => e.toLowerCase()).includes(email.toLowerCase()),
        `the certificate's subjectAltName has ${cert.emails.join(', ') || 'no e-mail'}, not ${email}`,
      );
      expect(
        cert.leaf.subjectName.getField('CN').includes(username),
        `the certificate's CN is ${cert.leaf.subjectName.getField('CN').join(', ')}, not the username ${username}`,
      );
      const requested = new Pkcs10CertificateRequest(csr);
      expect(
        sameBytes(requested.publicKey.rawData, cert.leaf.publicKey.rawData),
        "the certificate's public key is not the CSR's",
      );
      if (cert.chain.length)
        expect(cert.leaf.issuer === cert.chain[0].subject, "the chain's first CA is not the leaf's issuer");
    },
  },
  {
    name: 'enroll-ku-template',
    title: "enrollUsingKUTemplates with the account's first template issues a certificate with the template's EKUs",
    tags: ['issues-certificate'],
    guide: '2.1.2, 2.1.4-2.1.6, 2.5',
    async run(ctx) {
      ctx.requireConfig('orgId', 'secretKey', 'emailDomain');
      const templates = await ctx.client.getKUTemplates();
      if (!templates.length) {
        ctx.note('the account has no KU/EKU templates: nothing to enroll with');
        return;
      }
      // try the account's templates in order: one may not be given to this organization (-114)
      for (const template of templates) {
        const csr = await ctx.csr('ccm conformance template');
        try {
          const { orderNumber } = await ctx.enroll(`template-${template.shortName}`, {
            csr,
            username: 'ccm conformance template',
            templates: [template.shortName!],
          });
          const cert = await ctx.collect(orderNumber);
          const ekus = cert.leaf.getExtension(ExtendedKeyUsageExtension)?.usages.map(String) ?? [];
          for (const e of template.extKeyUsages ?? [])
            expect(
              ekus.includes(e.code!),
              `template ${template.shortName} names EKU ${e.code}, the certificate has ${ekus.join(', ') || 'none'}`,
            );
          ctx.note(`template ${template.shortName}: order ${orderNumber}, EKUs ${ekus.join(', ') || 'none'}`);
          return;
        } catch (err) {
          if (err instanceof CcmStatusError && err.code === Status.TEMPLATE_NOT_AVAILABLE_FOR_ORG) {
            ctx.note(`template ${template.shortName}: -114, not available for the organization`);
            continue;
          }
          throw err;
        }
      }
      fail('no template of the account is available for the organization (every one answered -114)');
    },
  },
  {
    name: 'enroll-unknown-template',
    title: 'enrollUsingKUTemplates with a template the customer does not have answers -112',
    tags: ['issues-certificate'],
    guide: '2.1.7 (-112)',
    async run(ctx) {
      ctx.requireConfig('orgId', 'secretKey', 'emailDomain');
      const csr = await ctx.csr('ccm conformance');
      await expectRefusal(
        ctx,
        Status.TEMPLATE_NOT_ALLOWED_FOR_CUSTOMER,
        'unknown-template',
        { csr, templates: [`ccm-conformance-no-such-template-${ctx.runId}`] },
        'enrollUsingKUTemplates',
      );
    },
  },
  {
    name: 'enroll-non-rsa-key',
    title: 'enroll with an EC P-256 key answers -11 (the guide allows rsaEncryption only)',
    tags: ['issues-certificate'],
    guide: '2.1.1.1, 2.1.1.2 (-11)',
    async run(ctx) {
      ctx.requireConfig('orgId', 'secretKey', 'emailDomain');
      await expectRefusal(ctx, Status.CSR_UNSUPPORTED_ALGORITHM, 'ec-key', { csr: await ecCsr() });
    },
  },
  {
    name: 'enroll-invalid-country',
    title: 'enroll with a CSR whose subject C is not an ISO 3166 code answers -7',
    tags: ['issues-certificate'],
    guide: '2.1.1.2 (-7)',
    async run(ctx) {
      ctx.requireConfig('orgId', 'secretKey', 'emailDomain');
      const { csrPem } = await generateKeyAndCsr({ commonName: 'ccm conformance', subject: { C: 'XX' } });
      await expectRefusal(ctx, Status.INVALID_COUNTRY, 'bad-country', { csr: csrPem });
    },
  },
  {
    name: 'enroll-domain-not-allowed',
    title: "enroll for an address outside the organization's domains answers -111",
    tags: ['issues-certificate'],
    guide: '2.1.1.1 (email), 2.1.7 (-111)',
    async run(ctx) {
      ctx.requireConfig('orgId', 'secretKey');
      const csr = await ctx.csr('ccm conformance');
      await expectRefusal(ctx, Status.DOMAIN_NOT_ALLOWED, 'foreign-domain', {
        csr,
        email: `ccm-conformance-${ctx.runId}@not-this-organization.invalid`,
      });
    },
  },
  {
    name: 'revoke-by-order-number',
    title:
      'revoke an issued order: 0, then collect -21 and a second revoke -21 (what getCollectStatus answers is noted)',
    tags: ['issues-certificate', 'revokes'],
    guide: '2.4, 2.4.2 (0, -21), 2.3.2 (-21)',
    async run(ctx) {
      ctx.requireConfig('orgId', 'secretKey', 'emailDomain');
      const { orderNumber } = await issued(ctx, 'revoke');
      await ctx.client.revoke(orderNumber, 'ccm conformance: revoke check');
      ctx.markRevoked(orderNumber);
      await expectCode('collect', Status.REVOKED, () => ctx.client.collect(orderNumber));
      await expectCode('revoke', Status.REVOKED, () =>
        ctx.client.revoke(orderNumber, 'ccm conformance: second revoke'),
      );
      try {
        const code = await ctx.client.getCollectStatus(orderNumber);
        ctx.note(
          `getCollectStatus of the revoked order answers ${code} (the guide lists no code for it; ccm-mock answers -21)`,
        );
      } catch (err) {
        if (!(err instanceof CcmStatusError)) throw err;
        ctx.note(
          `getCollectStatus of the revoked order answers ${err.code} (the guide lists no code for it; ccm-mock answers -21)`,
        );
      }
    },
  },
  {
    name: 'revoke-by-serial-number',
    title: "revokeBySerialNumber with the collected certificate's serial: 0, then collect -21",
    tags: ['issues-certificate', 'revokes'],
    guide: '2.4, 2.4.1 (serialNumber in hex), 2.4.2',
    async run(ctx) {
      ctx.requireConfig('orgId', 'secretKey', 'emailDomain');
      const { orderNumber, cert } = await issued(ctx, 'revoke-serial');
      await ctx.client.revokeBySerialNumber(cert.serialNumber, 'ccm conformance: revokeBySerialNumber check');
      ctx.markRevoked(orderNumber);
      await expectCode('collect', Status.REVOKED, () => ctx.client.collect(orderNumber));
    },
  },
  {
    name: 'revoke-all-by-person',
    title: "revokeAllByPerson for this run's own address: 0, then collect -21",
    tags: ['issues-certificate', 'revokes'],
    guide: '2.4 (revokeAllByPerson), 2.4.2',
    async run(ctx) {
      ctx.requireConfig('orgId', 'secretKey', 'emailDomain', 'orgName');
      const { orderNumber, email } = await issued(ctx, 'revoke-person');
      // the address is unique to this run and check: only the certificate just made can match
      await ctx.client.revokeAllByPerson({ email, org: ctx.orgName! });
      ctx.markRevoked(orderNumber);
      await expectCode('collect', Status.REVOKED, () => ctx.client.collect(orderNumber));
    },
  },
];
