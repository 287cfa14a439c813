import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toPem } from '../../server/ca/certificate.js';
import { OID } from '../../server/ca/oids.js';
import { DEFAULT_ACCOUNTS_FILE } from '../../server/config.js';
import { Accounts, readAccountsFile, type Customer, type Organization } from '../../server/domain/accounts.js';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import { certificatesOf } from '../support/certs.js';
import { greedyCsr, readCsr } from '../support/fixtures.js';
import { openssl, tempDir } from '../support/openssl.js';
import { call, enrollXml, orderXml, SANDBOX, xmlEl } from '../support/soap.js';

/**
 * DigiCert's pkilint, the linter CAs run against the CA/Browser Forum's rules, on everything the test CA
 * makes: a certificate from every issuing path (enroll, every S/MIME template of the fixture, a CSR with
 * subject attributes of its own, every organization and so every validation type the fixture uses) linted in
 * detect mode (the type and generation read from the policy OIDs, never Legacy), the non-S/MIME ones and the CA
 * certificates as RFC 5280 certificates, each issuer/subject pair, both CRLs and OCSP answers. Nothing may be
 * an ERROR or FATAL finding.
 *
 * pkilint is not an npm package: .ci/run installs it before `npm run test:pkilint` (elsewhere: pip install
 * pkilint). URLs at localhost are findings of their own, so the mock runs with a public-looking base URL.
 */

const PUBLIC = 'http://pki.example.com';
const BAD = new Set(['ERROR', 'FATAL']);

interface Finding {
  validator: string;
  path: string;
  severity: string;
  code: string;
  message: string | null;
}
interface Lint {
  findings: Finding[];
  /** what pkilint printed to stderr: the detected S/MIME type with -o, or why it refused */
  stderr: string;
}

async function pkilint(tool: string, args: string[]): Promise<Lint> {
  // the exit status is the number of findings: not a failure of the run
  const { stdout, stderr } = await promisify(execFile)('pkilint', [tool, 'lint', '-f', 'JSON', ...args], {
    encoding: 'utf8',
  }).catch((err: { stdout?: string; stderr?: string; code?: unknown }) => {
    if (typeof err.code !== 'number') throw err as Error;
    return { stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  });
  const parsed = stdout.trim()
    ? (JSON.parse(stdout) as {
        results: Array<{
          node_path: string;
          validator: string;
          finding_descriptions: Array<{ severity: string; code: string; message: string | null }>;
        }>;
      })
    : { results: [] };
  return {
    findings: parsed.results.flatMap((r) =>
      r.finding_descriptions.map((f) => ({ validator: r.validator, path: r.node_path, ...f })),
    ),
    stderr: stderr.trim(),
  };
}

/** the ERROR and FATAL findings, as readable lines (an empty list is a clean lint) */
const errors = (lint: Lint) =>
  lint.findings.filter((f) => BAD.has(f.severity)).map((f) => `${f.code} (${f.severity}) at ${f.path}: ${f.message}`);

let mock: MockServer;
let dir: string;
const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

/** one certificate to lint, with what its type and generation must be */
interface Issued {
  label: string;
  pem: string;
  path: string;
  orderNumber: number;
  /** MAILBOX-STRICT etc.; undefined for a certificate that is no S/MIME certificate */
  expectedType?: string;
}
const issued: Issued[] = [];

const accounts = new Accounts(readAccountsFile(DEFAULT_ACCOUNTS_FILE));

/** The type pkilint must detect: the organization's validation from the fixture, the generation from the EKUs. */
function expectedType(org: Organization, ekus: readonly string[] | undefined): string | undefined {
  // no template: enroll's default usages (emailProtection and clientAuth)
  const list = ekus ?? [OID.emailProtection, OID.clientAuth];
  if (!list.includes(OID.emailProtection)) return undefined;
  const generation = list.every((e) => e === OID.emailProtection) ? 'STRICT' : 'MULTIPURPOSE';
  return `${org.validation.type.toUpperCase()}-${generation}`;
}

async function issue(
  label: string,
  customer: Customer,
  org: Organization,
  opts: { templates?: string[]; csr?: string; username?: string } = {},
): Promise<void> {
  const admin = customer.admins.find((a) => a.organizations === 'all' || a.organizations.includes(org.orgId))!;
  const auth = { login: admin.login, password: admin.password, customerLoginUri: customer.customerLoginUri };
  const domain = org.emailDomains[0].replace(/^\*\./, 'mail.');
  const op = opts.templates ? 'enrollUsingKUTemplates' : 'enroll';
  const enrolled = await call(
    mock.endpoint,
    op,
    enrollXml({
      auth,
      orgId: org.orgId,
      secretKey: org.secretKey,
      username: opts.username ?? 'Alice Example',
      email: `lint${issued.length}@${domain}`,
      csr: opts.csr ?? readCsr(),
      templates: opts.templates,
    }),
  );
  expect(enrolled.code, `${label}: enroll`).toBeGreaterThan(0);
  const collected = await call(mock.endpoint, 'collect', orderXml(enrolled.code, auth));
  expect(collected.code, `${label}: collect`).toBe(1);
  const [pem] = certificatesOf(collected.fields.certificate);
  const ekus = opts.templates?.flatMap((n) => accounts.template(customer, n)!.extKeyUsages.map((e) => e.code));
  issued.push({
    label,
    pem,
    path: file(`leaf-${issued.length}.pem`, pem),
    orderNumber: enrolled.code,
    expectedType: expectedType(org, ekus && [...new Set(ekus)]),
  });
}

beforeAll(async () => {
  const installed = await promisify(execFile)('pkilint', ['lint_pkix_cert', '--help']).then(
    () => true,
    () => false,
  );
  if (!installed) throw new Error('pkilint is not installed: .ci/run installs it (elsewhere: pip install pkilint)');
  mock = await createMockServer({ publicBaseUrl: PUBLIC, caKeyBits: 2048 });
  dir = tempDir();

  const sandbox = accounts.customer('sandbox')!;
  const sandboxOrg = sandbox.organizations.find((o) => o.orgId === 1001)!;
  const usable = (c: Customer, o: Organization) =>
    !o.suspended && !o.forbiddenOperations.includes('enroll') && !c.forbiddenOperations.includes('enroll');

  // enroll in every organization that can: every validation type (and personal-name form) the fixture uses
  for (const c of accounts.listCustomers())
    for (const o of c.organizations.filter((org) => usable(c, org)))
      await issue(`enroll in ${o.name} (${o.validation.type})`, c, o);
  // every template that is not retired, in an organization given it
  for (const c of accounts.listCustomers())
    for (const t of c.templates.filter((tpl) => !tpl.retired)) {
      const o = c.organizations.find((org) => usable(c, org) && org.templates.includes(t.shortName));
      if (o) await issue(`template ${t.shortName} in ${o.name}`, c, o, { templates: [t.shortName] });
    }
  await issue('templates smime-signing + client-auth', sandbox, sandboxOrg, {
    templates: ['smime-signing', 'client-auth'],
  });
  // a CSR asking for a subject of its own, none of which may reach the certificate
  await issue('a CSR with subject attributes of its own', sandbox, sandboxOrg, { csr: greedyCsr() });
  await issue('a single-word username', sandbox, sandboxOrg, { username: 'Cher' });
  await issue('the other CSR sizes', sandbox, sandboxOrg, { csr: readCsr('rsa-4096-sha512.csr') });

  // one revoked, so that the CRL has an entry and OCSP a revoked answer
  await call(mock.endpoint, 'revoke', orderXml(issued[0].orderNumber, SANDBOX, xmlEl('reason', 'keyCompromise')));
}, 300_000);
afterAll(() => mock?.close());

describe('pkilint lint_cabf_smime_cert in detect mode: every issuing path', () => {
  it('issues S/MIME certificates of every validation type the fixture uses, none Legacy', () => {
    const types = new Set(issued.map((i) => i.expectedType?.split('-')[0]).filter(Boolean));
    expect([...types].sort()).toEqual(['INDIVIDUAL', 'MAILBOX', 'ORGANIZATION', 'SPONSORED']);
    expect(issued.some((i) => i.expectedType?.endsWith('STRICT'))).toBe(true);
    expect(issued.some((i) => i.expectedType?.endsWith('MULTIPURPOSE'))).toBe(true);
  });

  it('each S/MIME certificate: the type and generation its policy says, 0 ERROR, 0 FATAL', async () => {
    const smime = issued.filter((i) => i.expectedType);
    expect(smime.length).toBeGreaterThan(10);
    const report: Record<string, { detected: string; errors: string[] }> = {};
    for (const i of smime) {
      const lint = await pkilint('lint_cabf_smime_cert', ['-d', '-o', i.path]);
      report[i.label] = { detected: lint.stderr, errors: errors(lint) };
    }
    const expected = Object.fromEntries(smime.map((i) => [i.label, { detected: i.expectedType!, errors: [] }]));
    expect(report).toEqual(expected);
    expect(Object.values(report).some((r) => r.detected.includes('LEGACY'))).toBe(false);
  });

  it('the harness sees errors: a sponsor-validated certificate linted as mailbox-validated has attributes that type prohibits', async () => {
    const sponsored = issued.find((i) => i.expectedType === 'SPONSORED-MULTIPURPOSE')!;
    const wrong = errors(await pkilint('lint_cabf_smime_cert', ['-t', 'MAILBOX-MULTIPURPOSE', sponsored.path]));
    expect(wrong).toContain(
      'cabf.smime.prohibited_attribute (ERROR) at certificate.tbsCertificate.subject.rdnSequence: Prohibited attribute: 2.5.4.10',
    );
  });

  it('a certificate without emailProtection is no S/MIME certificate: detect mode refuses it, RFC 5280 finds nothing wrong', async () => {
    const others = issued.filter((i) => !i.expectedType);
    expect(others.map((i) => i.label)).toEqual(['template client-auth in Sandbox Org']);
    for (const i of others) {
      expect((await pkilint('lint_cabf_smime_cert', ['-d', i.path])).stderr).toBe(
        'Could not determine validation level and generation',
      );
      expect(errors(await pkilint('lint_pkix_cert', [i.path]))).toEqual([]);
    }
  });
});

describe('pkilint: the CA certificates and the chains', () => {
  it('root, issuing CA (as stored and as a variant for another base URL) and OCSP responder: 0 ERROR, 0 FATAL', async () => {
    const certs = {
      root: mock.ca.root.pem,
      intermediate: mock.ca.issuing.pem,
      'intermediate for another base URL': mock.ca.issuingFor('http://ccm-mock.example.net:9000').pem,
      'OCSP responder': mock.revocation.ocspSigner.pem,
    };
    const report: Record<string, string[]> = {};
    for (const [label, pem] of Object.entries(certs))
      report[label] = errors(await pkilint('lint_pkix_cert', [file(`${label.replace(/\W+/g, '-')}.pem`, pem)]));
    expect(report).toEqual(Object.fromEntries(Object.keys(certs).map((k) => [k, []])));
  });

  it('each issuer/subject pair: root -> issuing CA -> every leaf and the OCSP responder', async () => {
    const root = file('root.pem', mock.ca.root.pem);
    const intermediate = file('intermediate.pem', mock.ca.issuingFor(PUBLIC).pem);
    const pairs: Array<[string, string, string]> = [
      ['root -> issuing CA', root, intermediate],
      ['issuing CA -> OCSP responder', intermediate, file('ocsp.pem', mock.revocation.ocspSigner.pem)],
      ...issued.map((i): [string, string, string] => [`issuing CA -> ${i.label}`, intermediate, i.path]),
    ];
    const report: Record<string, string[]> = {};
    for (const [label, issuer, subject] of pairs)
      report[label] = errors(await pkilint('lint_pkix_signer_signee_cert_chain', [issuer, subject]));
    expect(report).toEqual(Object.fromEntries(pairs.map(([label]) => [label, []])));
  });
});

describe('pkilint: revocation', () => {
  it("the issuing CA's CRL (with an entry) and the root's, as served: 0 ERROR, 0 FATAL", async () => {
    const intermediateCrl = Buffer.from(await (await fetch(`${mock.url}/crl/intermediate.crl`)).arrayBuffer());
    const rootCrl = Buffer.from(await (await fetch(`${mock.url}/crl/root.crl`)).arrayBuffer());
    expect(openssl(['crl', '-inform', 'DER', '-noout', '-text'], intermediateCrl)).toContain('Key Compromise');
    expect(
      errors(await pkilint('lint_crl', ['-t', 'CRL', '-p', 'BR', file('intermediate.crl', intermediateCrl)])),
    ).toEqual([]);
    // the root's CRL covers CA certificates: an authority revocation list
    const root = file('root.crl', rootCrl);
    expect(errors(await pkilint('lint_crl', ['-t', 'ARL', '-p', 'BR', root]))).toEqual([]);
    expect(errors(await pkilint('lint_crl', ['-t', 'CRL', '-p', 'BR', root]))).toEqual([]);
  });

  it.each([
    ['good', 1],
    ['revoked', 0],
  ] as const)('an OCSP answer (%s), as served for an openssl request: 0 ERROR, 0 FATAL', async (status, index) => {
    const leaf = issued[index];
    const request = file(`ocsp-${status}.req`, '');
    openssl([
      'ocsp',
      '-issuer',
      file('issuer.pem', toPem(mock.ca.issuing.der, 'CERTIFICATE')),
      '-cert',
      leaf.path,
      '-reqout',
      request,
    ]);
    const res = await fetch(`${mock.url}/ocsp`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/ocsp-request' },
      body: readFileSync(request),
    });
    const answer = Buffer.from(await res.arrayBuffer());
    expect(openssl(['ocsp', '-respin', file(`ocsp-${status}.probe`, answer), '-resp_text', '-noverify'])).toContain(
      `Cert Status: ${status}`,
    );
    expect(errors(await pkilint('lint_ocsp_response', [file(`ocsp-${status}.der`, answer)]))).toEqual([]);
  });
});
