import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMockServer } from '../../server/mock-server.js';
import { packageRoot } from '../../wsdl/paths.js';
import { certificatesOf } from './certs.js';
import { readCsr } from './fixtures.js';
import { openssl } from './openssl.js';
import { call, enrollXml, orderXml } from './soap.js';

/**
 * The example certificates of docs/certificate-profiles.md, made by a real mock (a fixed seed, a frozen clock,
 * the default fixture, a public-looking base URL) and printed by `openssl x509`, between
 * `<!-- BEGIN EXAMPLE: name -->` markers. `npm run docs` rewrites them; test/ca/profile-examples.test.ts
 * fails when the page no longer shows what the mock issues. The CA's keys are new on every run: key
 * identifiers are left out of the comparison (`comparable`).
 */

export const EXAMPLES_PAGE = join(packageRoot, 'docs', 'certificate-profiles.md');
const BASE_URL = 'http://pki.example.com';

interface Example {
  orgId: number;
  secretKey: string;
  email: string;
  templates?: string[];
  /** the whole certificate, or the subject and the extensions that differ between profiles */
  full?: boolean;
}

const EXAMPLES: Record<string, Example> = {
  sponsored: { orgId: 1001, secretKey: 'sandbox-secret', email: 'alice@example.com', full: true },
  'sponsored-pseudonym': { orgId: 1002, secretKey: 'second-secret', email: 'alice@example.org' },
  mailbox: { orgId: 1005, secretKey: 'mailbox-secret', email: 'alice@mailbox.example.net' },
  organization: { orgId: 1006, secretKey: 'organization-secret', email: 'alice@organization.example.net' },
  individual: { orgId: 1007, secretKey: 'individual-secret', email: 'alice@individual.example.net' },
  strict: { orgId: 1001, secretKey: 'sandbox-secret', email: 'alice@example.com', templates: ['smime-signing'] },
  'client-auth': { orgId: 1001, secretKey: 'sandbox-secret', email: 'alice@example.com', templates: ['client-auth'] },
};

/** `openssl x509 -text` without the key's modulus and the signature's bytes (long, and of no interest here) */
function fullText(pem: string): string {
  return openssl(['x509', '-noout', '-text', '-certopt', 'no_sigdump'], pem)
    .replace(/(Modulus:\n)(\s+[0-9a-f:]+\n)+/, '$1                    (left out here)\n')
    .trimEnd();
}

const PROFILE_EXTENSIONS = 'keyUsage,extendedKeyUsage,certificatePolicies,subjectAltName';
const excerpt = (pem: string) =>
  openssl(['x509', '-noout', '-subject', '-ext', PROFILE_EXTENSIONS, '-nameopt', 'multiline'], pem).trimEnd();

/** Each example's text, and the issuing CA's, from a mock made for the purpose. */
export async function makeExamples(): Promise<Record<string, string>> {
  const mock = await createMockServer({
    seed: 'docs',
    clockStart: '2026-01-01T00:00:00Z',
    clockFrozen: true,
    publicBaseUrl: BASE_URL,
    caKeyBits: 2048,
  });
  try {
    const out: Record<string, string> = {};
    for (const [name, e] of Object.entries(EXAMPLES)) {
      const op = e.templates ? 'enrollUsingKUTemplates' : 'enroll';
      const enrolled = await call(
        mock.endpoint,
        op,
        enrollXml({ ...e, username: 'Alice Example', csr: readCsr(), templates: e.templates }),
      );
      if (!(enrolled.code > 0)) throw new Error(`example ${name}: enroll answered ${enrolled.code}`);
      const [leaf] = certificatesOf((await call(mock.endpoint, 'collect', orderXml(enrolled.code))).fields.certificate);
      out[name] = e.full ? fullText(leaf) : excerpt(leaf);
    }
    out['issuing-ca'] = openssl(
      ['x509', '-noout', '-text', '-certopt', 'no_pubkey,no_sigdump,no_serial,no_validity'],
      mock.ca.issuingFor(BASE_URL).pem,
    ).trimEnd();
    return out;
  } finally {
    await mock.close();
  }
}

const MARKER = /^(<!-- BEGIN EXAMPLE: ([\w-]+) -->\n)[\s\S]*?(<!-- END EXAMPLE: \2 -->)/gm;

/** The page with each example block replaced by the text given for it; a marker naming no example is an error. */
export function renderExamples(page: string, examples: Record<string, string>): string {
  return page.replace(MARKER, (_whole, begin: string, name: string, end: string) => {
    if (examples[name] === undefined)
      throw new Error(`example "${name}" is none of ${Object.keys(examples).join(', ')}`);
    return `${begin}\`\`\`text\n${examples[name]}\n\`\`\`\n${end}`;
  });
}

/** The example names the page shows, in order. */
export const examplesIn = (page: string) => [...page.matchAll(MARKER)].map((m) => m[2]);

/** What must stay equal between runs: everything but the CA's key identifiers, which are new with every CA. */
export const comparable = (text: string) => text.replace(/(?:[0-9A-F]{2}:){19}[0-9A-F]{2}/g, '<key identifier>');

if (process.argv.includes('--write')) {
  const before = readFileSync(EXAMPLES_PAGE, 'utf8');
  const after = renderExamples(before, await makeExamples());
  if (comparable(after) === comparable(before))
    console.log('docs/certificate-profiles.md: examples already up to date');
  else {
    writeFileSync(EXAMPLES_PAGE, after);
    console.log('docs/certificate-profiles.md: examples rewritten');
  }
}
