import { smimePolicyOid, TEST_CA_POLICY_OID, VALIDATION_TYPES, type Generation } from './smime-profile.js';

/**
 * The test CA's certification practice statement, served at CA_PATHS.cps: the URL every certificate's and the
 * issuing CA's policy qualifier names (SBR 7.1.2.2 a, 7.1.2.3 a: an HTTP URL of the CA's CP/CPS). Short,
 * plain text, and plain about what the test CA is not.
 */
export function cpsText(): string {
  const generations: Generation[] = ['strict', 'multipurpose'];
  const reserved = VALIDATION_TYPES.flatMap((type) =>
    generations.map((g) => `  ${smimePolicyOid(type, g).padEnd(18)} ${type}-validated, ${g}`),
  );
  return [
    'ccm-mock TEST CA - Certification Practice Statement',
    '',
    'This CA is part of ccm-mock, a mock of Sectigo Certificate Manager for software tests. It is NOT a',
    'publicly-trusted CA, validates nothing, protects no key and gives no assurance of any kind: its root is',
    'in no trust store, and nothing it signs may be relied upon outside a test.',
    '',
    'Its certificates are shaped as the CA/Browser Forum S/MIME Baseline Requirements describe, so that',
    'software handling them behaves as with certificates from a real CA. Organizations, names and registration',
    "references in them come from the mock's accounts fixture and are fictitious.",
    '',
    'Policy identifiers:',
    `  ${TEST_CA_POLICY_OID.padEnd(18)} this statement (under 1.3.6.1.4.1.32473, IANA's example enterprise number, RFC 5612)`,
    ...reserved,
    '',
    'A certificate without emailProtection in its extended key usages is no S/MIME certificate: it carries',
    "this statement's identifier alone.",
    '',
  ].join('\n');
}
