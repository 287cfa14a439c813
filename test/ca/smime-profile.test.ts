import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smimePolicyOid, TEST_CA_POLICY_OID } from '../../server/ca/smime-profile.js';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import { certificatesOf } from '../support/certs.js';
import { greedyCsr } from '../support/fixtures.js';
import { openssl, verifySmime } from '../support/openssl.js';
import { call, enrollXml, orderXml, SANDBOX } from '../support/soap.js';

/**
 * The certificates against the S/MIME Baseline Requirements, judged by openssl (the pkilint suite in
 * test/pkilint lints them too): the issuing CA's policies and EKUs (SBR 7.1.2.2), the subject each validation
 * type maps to from validated data only (SBR 7.1.4.2), and the generation the EKUs make (SBR 7.1.2.3).
 */

const PUBLIC = 'http://pki.example.com';
let mock: MockServer;
/** a CSR whose subject asks for everything a CA must not take from it */
let greedy: string;

beforeAll(async () => {
  mock = await createMockServer({ publicBaseUrl: PUBLIC });
  greedy = greedyCsr();
});
afterAll(() => mock.close());

const extension = (pem: string, name: string) => openssl(['x509', '-noout', '-ext', name], pem);
const policyOids = (pem: string) =>
  [...extension(pem, 'certificatePolicies').matchAll(/Policy: (\S+)/g)].map((m) => m[1]);
const subjectOf = (pem: string) => new X509Certificate(pem).subject.split('\n');

/** openssl verify of a leaf for a purpose, requiring an explicit policy (RFC 5280 policy processing through the chain) */
const verifyWithPolicy = (leaf: string, purpose: string, policy: string) =>
  verifySmime(leaf, mock.ca.root.pem, mock.ca.issuingFor(PUBLIC).pem, { purpose, policy }).trim();

async function issue(fields: Parameters<typeof enrollXml>[0]): Promise<string> {
  const op = fields.templates ? 'enrollUsingKUTemplates' : 'enroll';
  const enrolled = await call(mock.endpoint, op, enrollXml({ csr: greedy, ...fields }));
  expect(enrolled.code).toBeGreaterThan(0);
  const collected = await call(mock.endpoint, 'collect', orderXml(enrolled.code));
  expect(collected.schemaProblems).toEqual([]);
  return certificatesOf(collected.fields.certificate)[0];
}

const SMIME_POLICIES = [
  '2.23.140.1.5.1.2',
  '2.23.140.1.5.1.3',
  '2.23.140.1.5.2.2',
  '2.23.140.1.5.2.3',
  '2.23.140.1.5.3.2',
  '2.23.140.1.5.3.3',
  '2.23.140.1.5.4.2',
  '2.23.140.1.5.4.3',
];

describe('the issuing CA (SBR 7.1.2.2, 7.1.4.3, 7.1.6.3)', () => {
  it('names the S/MIME policies it issues under explicitly (never anyPolicy, never Legacy), and the test CA policy with its CPS', () => {
    const pem = mock.ca.issuingFor(PUBLIC).pem;
    expect(policyOids(pem)).toEqual([...SMIME_POLICIES, TEST_CA_POLICY_OID]);
    expect(extension(pem, 'certificatePolicies')).toContain(`CPS: ${PUBLIC}/cps`);
    expect(extension(pem, 'certificatePolicies')).not.toMatch(/critical/);
  });

  it('allows emailProtection and clientAuth, none of serverAuth, codeSigning, timeStamping, anyExtendedKeyUsage', () => {
    const pem = mock.ca.issuing.pem;
    expect(extension(pem, 'extendedKeyUsage')).toMatch(
      /X509v3 Extended Key Usage: \n\s+E-mail Protection, TLS Web Client Authentication\n$/,
    );
    expect(extension(pem, 'keyUsage')).toMatch(/Key Usage: critical\n\s+Certificate Sign, CRL Sign\n$/);
    expect(extension(pem, 'basicConstraints')).toMatch(/critical\n\s+CA:TRUE, pathlen:0/);
    expect(subjectOf(pem)).toEqual([
      'C=XX',
      'O=ccm-mock (test certificates only)',
      'CN=ccm-mock TEST S/MIME Issuing CA - NOT FOR PRODUCTION',
    ]);
  });

  it('the root has neither policies nor EKUs (SBR 7.1.2.1), and the subject a CA needs', () => {
    const text = openssl(['x509', '-noout', '-text'], mock.ca.root.pem);
    expect(text).not.toContain('Certificate Policies');
    expect(text).not.toContain('Extended Key Usage');
    expect(subjectOf(mock.ca.root.pem)).toEqual([
      'C=XX',
      'O=ccm-mock (test certificates only)',
      'CN=ccm-mock TEST Root CA - NOT FOR PRODUCTION',
    ]);
  });
});

describe('the subject per validation type: validated data only, nothing of the CSR (SBR 7.1.4.2)', () => {
  const cases = [
    {
      type: 'sponsored',
      org: { orgId: 1001, secretKey: 'sandbox-secret' },
      email: 'alice@example.com',
      subject: [
        'C=US',
        'O=Sandbox Org',
        'organizationIdentifier=NTRUS-CCMMOCK1001',
        'GN=Alice',
        'SN=Example',
        'CN=Alice Example',
        'emailAddress=alice@example.com',
      ],
    },
    {
      type: 'sponsored',
      org: { orgId: 1002, secretKey: 'second-secret' },
      email: 'alice@example.org',
      subject: [
        'O=Second Org',
        'organizationIdentifier=NTRUS-CCMMOCK1002',
        'pseudonym=Alice Example',
        'CN=Alice Example',
        'emailAddress=alice@example.org',
      ],
    },
    {
      type: 'mailbox',
      org: { orgId: 1005, secretKey: 'mailbox-secret' },
      email: 'alice@mailbox.example.net',
      subject: ['CN=alice@mailbox.example.net', 'emailAddress=alice@mailbox.example.net'],
    },
    {
      type: 'organization',
      org: { orgId: 1006, secretKey: 'organization-secret' },
      email: 'alice@organization.example.net',
      subject: [
        'C=GB',
        'O=Validated Organization Ltd',
        'organizationIdentifier=NTRGB-CCMMOCK1006',
        'CN=alice@organization.example.net',
        'emailAddress=alice@organization.example.net',
      ],
    },
    {
      type: 'individual',
      org: { orgId: 1007, secretKey: 'individual-secret' },
      email: 'alice@individual.example.net',
      subject: ['GN=Alice', 'SN=Example', 'CN=Alice Example', 'emailAddress=alice@individual.example.net'],
    },
  ] as const;

  it.each(cases)('$type (org $org.orgId): $subject', async ({ type, org, email, subject }) => {
    const leaf = await issue({ ...org, email, username: 'Alice Example' });
    expect(subjectOf(leaf)).toEqual(subject);
    expect(new X509Certificate(leaf).subjectAltName).toBe(`email:${email}`);
    // enroll's default usages hold clientAuth: Multipurpose
    const policy = smimePolicyOid(type, 'multipurpose');
    expect(policyOids(leaf)).toEqual([policy, TEST_CA_POLICY_OID]);
    expect(verifyWithPolicy(leaf, 'smimesign', policy)).toMatch(/: OK$/);
  });

  it('the CSR in those had C, ST, L, O, OU, title, CN and emailAddress of its own: none of them reached a certificate', async () => {
    const leaf = await issue({ email: 'bob@example.com', username: 'Bob' });
    expect(leaf).toBeTruthy();
    const text = openssl(['x509', '-noout', '-subject', '-ext', 'subjectAltName'], leaf);
    for (const asked of ['DE', 'Bayern', 'Munich', 'Evil Corp', 'Ops', 'CEO', 'Mallory', 'evil@evil.com'])
      expect(text).not.toContain(asked);
    // a single name is a surname (SBR 7.1.4.2.2 e)
    expect(subjectOf(leaf)).toContain('SN=Bob');
    expect(subjectOf(leaf).some((a) => a.startsWith('GN='))).toBe(false);
  });
});

describe('the generation follows the EKUs (SBR 7.1.2.3 f); no Legacy', () => {
  it.each([
    [['smime-standard'], 'multipurpose', 'E-mail Protection, TLS Web Client Authentication', 'smimesign'],
    [['smime-signing'], 'strict', 'E-mail Protection', 'smimesign'],
    [['smime-encryption'], 'strict', 'E-mail Protection', 'smimeencrypt'],
    [['smime-signing', 'client-auth'], 'multipurpose', 'E-mail Protection, TLS Web Client Authentication', 'smimesign'],
  ] as const)('%j: %s', async (templates, generation, ekus, purpose) => {
    const leaf = await issue({ email: 'templated@example.com', templates: [...templates] });
    expect(extension(leaf, 'extendedKeyUsage')).toContain(ekus);
    const policy = smimePolicyOid('sponsored', generation);
    expect(policyOids(leaf)).toEqual([policy, TEST_CA_POLICY_OID]);
    expect(verifyWithPolicy(leaf, purpose, policy)).toMatch(/: OK$/);
  });

  it('a client-auth-only template makes no S/MIME certificate (SBR 1.1): it claims the test CA policy alone', async () => {
    const leaf = await issue({ email: 'client@example.com', templates: ['client-auth'] });
    expect(extension(leaf, 'extendedKeyUsage')).toMatch(/TLS Web Client Authentication\n$/);
    expect(policyOids(leaf)).toEqual([TEST_CA_POLICY_OID]);
    expect(verifyWithPolicy(leaf, 'sslclient', TEST_CA_POLICY_OID)).toMatch(/: OK$/);
    expect(() => verifyWithPolicy(leaf, 'sslclient', smimePolicyOid('sponsored', 'multipurpose'))).toThrow(
      /no explicit policy/,
    );
  });
});

describe('the CPS the policies point at', () => {
  it('is served as plain text at /cps, saying what the test CA is not', async () => {
    const res = await fetch(`${mock.url}/cps`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toContain('NOT a');
    expect(text).toContain(TEST_CA_POLICY_OID);
    for (const oid of SMIME_POLICIES) expect(text).toContain(oid);
  });

  it('is named under the base URL the client used, in the leaf and in the intermediate it gets', async () => {
    const local = await createMockServer({ ca: mock.ca });
    try {
      const enrolled = await call(local.endpoint, 'enroll', enrollXml({ csr: greedy, email: 'cps@example.com' }));
      const [leaf, intermediate] = certificatesOf(
        (await call(local.endpoint, 'collect', orderXml(enrolled.code, SANDBOX))).fields.certificate,
      );
      expect(extension(leaf, 'certificatePolicies')).toContain(`CPS: ${local.url}/cps`);
      expect(extension(intermediate, 'certificatePolicies')).toContain(`CPS: ${local.url}/cps`);
      expect((await fetch(`${local.url}/cps`)).status).toBe(200);
    } finally {
      await local.close();
    }
  });
});
