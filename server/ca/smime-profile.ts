import { KEY_USAGE_BITS, OID } from './oids.js';

/**
 * What the CA/Browser Forum S/MIME Baseline Requirements (SBR 1.0.10, section 7) fix about the test CA's
 * certificates: the certificate types and generations, their policy identifiers, which extended key usages
 * make a certificate Strict or Multipurpose, which key usages each allows for an RSA key, and the policies
 * of the issuing CA. The subject a certificate gets is the domain's business (server/domain/leaf-subject.ts).
 */

/** SBR 1.6.1 / 7.1.6.1: the four validation types (certificate types), in the order of their policy arcs. */
export const VALIDATION_TYPES = ['mailbox', 'organization', 'sponsored', 'individual'] as const;
export type ValidationType = (typeof VALIDATION_TYPES)[number];

/** Legacy (arc 1) may not be issued since 2025-07-15 (SBR 7.1.6.1): the test CA issues the other two only. */
export type Generation = 'multipurpose' | 'strict';

const TYPE_ARC: Record<ValidationType, number> = { mailbox: 1, organization: 2, sponsored: 3, individual: 4 };
const GENERATION_ARC: Record<Generation, number> = { multipurpose: 2, strict: 3 };

/** The CA/Browser Forum's reserved policy identifier of a type and generation (SBR 7.1.6.1). */
export function smimePolicyOid(type: ValidationType, generation: Generation): string {
  return `2.23.140.1.5.${TYPE_ARC[type]}.${GENERATION_ARC[generation]}`;
}

/**
 * The test CA's own policy: 1.3.6.1.4.1.32473 is IANA's "Example Enterprise Number for Documentation Use"
 * (RFC 5612), an arc no real CA's policy can live under. Every certificate the test CA issues carries it,
 * with the URL of the mock's CPS (CA_PATHS.cps), which says it stands for no assurance at all.
 */
export const TEST_CA_POLICY_OID = '1.3.6.1.4.1.32473.1.1';

/** EKUs an S/MIME subordinate CA and its certificates must not carry (SBR 7.1.2.2 g, 7.1.2.3 f). */
export const PROHIBITED_EKUS: ReadonlySet<string> = new Set([
  OID.serverAuth,
  OID.codeSigning,
  OID.timeStamping,
  OID.anyExtendedKeyUsage,
]);

/** The issuing CA's EKUs: emailProtection (SBR 7.1.2.2 g) and clientAuth, which Multipurpose certificates add. */
export const ISSUING_CA_EKUS: readonly string[] = [OID.emailProtection, OID.clientAuth];

/**
 * The generation a certificate with these EKUs is issued under: Strict for emailProtection alone,
 * Multipurpose when there are others (SBR 7.1.2.3 f); undefined without emailProtection, which makes it no
 * S/MIME certificate at all (SBR 1.1).
 */
export function generationOf(extKeyUsages: readonly string[]): Generation | undefined {
  if (!extKeyUsages.includes(OID.emailProtection)) return undefined;
  return extKeyUsages.every((e) => e === OID.emailProtection) ? 'strict' : 'multipurpose';
}

const { digitalSignature, nonRepudiation, keyEncipherment, dataEncipherment } = KEY_USAGE_BITS;
const KU_NAMES = Object.fromEntries(Object.entries(KEY_USAGE_BITS).map(([k, v]) => [v, k])) as Record<number, string>;

/**
 * Why these key usages are not what SBR 7.1.2.3 (e) allows an rsaEncryption key in this generation, or
 * undefined when they are: digitalSignature (signing, nonRepudiation optional), keyEncipherment (key
 * management, dataEncipherment optional outside Strict), or both. Certificates that are no S/MIME
 * certificates (undefined generation) are held to the Multipurpose rules: the same CA signs them.
 */
export function keyUsageProblem(bits: readonly number[], generation: Generation | undefined): string | undefined {
  const allowed = new Set<number>([digitalSignature, nonRepudiation, keyEncipherment]);
  if (generation !== 'strict') allowed.add(dataEncipherment);
  const extra = bits.filter((b) => !allowed.has(b));
  const names = (list: readonly number[]) => list.map((b) => KU_NAMES[b] ?? String(b)).join(', ');
  if (extra.length)
    return `${names(extra)} ${extra.length > 1 ? 'are' : 'is'} not allowed for an RSA key${generation === 'strict' ? ' in a Strict certificate' : ''}`;
  if (!bits.includes(digitalSignature) && !bits.includes(keyEncipherment))
    return 'digitalSignature (signing), keyEncipherment (key management) or both are required';
  if (bits.includes(nonRepudiation) && !bits.includes(digitalSignature)) return 'nonRepudiation needs digitalSignature';
  if (bits.includes(dataEncipherment) && !bits.includes(keyEncipherment))
    return 'dataEncipherment needs keyEncipherment';
  return undefined;
}

/** A PolicyInformation: the identifier, and the URL of a CPS qualifier when there is one. */
export interface Policy {
  oid: string;
  cps?: string;
}

/**
 * The certificatePolicies of a leaf: the reserved identifier of its type and generation (exactly one, SBR
 * 7.1.2.3 a), then the test CA's own with the CPS URL. A certificate that is no S/MIME certificate claims no
 * compliance with the SBR: it carries the test CA's policy alone.
 */
export function leafPolicies(type: ValidationType, generation: Generation | undefined, cpsUrl: string): Policy[] {
  const own: Policy = { oid: TEST_CA_POLICY_OID, cps: cpsUrl };
  return generation ? [{ oid: smimePolicyOid(type, generation) }, own] : [own];
}

/**
 * The issuing CA's certificatePolicies (SBR 7.1.2.2 a, 7.1.6.3): the explicit reserved identifier of every
 * type and generation it issues under (never anyPolicy), then the test CA's own with the CPS URL, which also
 * covers the certificates that are no S/MIME certificates.
 */
export function issuingCaPolicies(cpsUrl: string): Policy[] {
  const generations: Generation[] = ['multipurpose', 'strict'];
  return [
    ...VALIDATION_TYPES.flatMap((type) => generations.map((g) => ({ oid: smimePolicyOid(type, g) }))),
    { oid: TEST_CA_POLICY_OID, cps: cpsUrl },
  ];
}
