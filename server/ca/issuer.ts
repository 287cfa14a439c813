import { sign } from 'node:crypto';
import { ext, keyIdentifier, name, signedCertificate, tbsCertificate } from './certificate.js';
import type { ParsedCsr } from './csr.js';
import { KEY_USAGE_BITS, OID } from './oids.js';
import { generationOf, leafPolicies, type ValidationType } from './smime-profile.js';
import type { TbsSigner } from './sign-pool.js';
import type { TestCa } from './test-ca.js';
import { caUrls } from './urls.js';

/** What an S/MIME certificate gets when no KU/EKU template says otherwise. */
export const DEFAULT_SMIME_PROFILE = {
  keyUsageBits: [KEY_USAGE_BITS.digitalSignature, KEY_USAGE_BITS.keyEncipherment],
  extKeyUsages: [OID.emailProtection, OID.clientAuth],
} as const;

export interface LeafRequest {
  /** the checked CSR: its public key is all the certificate takes from it */
  csr: ParsedCsr;
  /**
   * the subject's attributes, in order, made from validated data only (server/domain/leaf-subject.ts);
   * nothing of the CSR's subject
   */
  subject: ReadonlyArray<readonly [string, string]>;
  /** the certificate type the subject was validated as; with the EKUs it decides the policy identifier */
  validationType: ValidationType;
  /** becomes the rfc822Name subjectAltName */
  email: string;
  /** positive, big-endian */
  serial: Buffer;
  notBefore: Date;
  notAfter: Date;
  keyUsageBits?: readonly number[];
  extKeyUsages?: readonly string[];
  /** base of the CRL, AIA and CPS URLs */
  baseUrl: string;
}

/**
 * The TBSCertificate of a certificate for a checked CSR, to be signed by the issuing CA: an S/MIME
 * certificate of SBR 7.1.2.3 when the EKUs hold emailProtection (its generation follows them), else one
 * claiming no SBR policy (smime-profile.ts).
 */
export function leafTbs(ca: TestCa, req: LeafRequest): Buffer {
  const urls = caUrls(req.baseUrl);
  const keyUsageBits = req.keyUsageBits ?? DEFAULT_SMIME_PROFILE.keyUsageBits;
  const extKeyUsages = req.extKeyUsages ?? DEFAULT_SMIME_PROFILE.extKeyUsages;
  const generation = generationOf(extKeyUsages);
  const extensions = [
    ext.basicConstraints(false),
    ext.keyUsage(keyUsageBits),
    ext.extKeyUsage(extKeyUsages),
    ext.certificatePolicies(leafPolicies(req.validationType, generation, urls.cps)),
    ext.emailSubjectAltName([req.email]),
    ext.subjectKeyIdentifier(keyIdentifier(req.csr.publicKeyBits)),
    ext.authorityKeyIdentifier(ca.issuing.keyId),
    ext.crlDistributionPoint(urls.intermediateCrl),
    ext.authorityInfoAccess({ ocsp: urls.ocsp, caIssuers: urls.intermediateCer }),
  ];
  return tbsCertificate({
    serial: req.serial,
    issuer: ca.issuing.subject,
    subject: name(req.subject),
    spki: req.csr.spki,
    notBefore: req.notBefore,
    notAfter: req.notAfter,
    extensions,
  });
}

/** Sign an S/MIME certificate for a checked CSR with the issuing CA, on this thread. Returns DER. */
export function issueLeaf(ca: TestCa, req: LeafRequest): Buffer {
  const tbs = leafTbs(ca, req);
  return signedCertificate(tbs, sign('sha256', tbs, ca.issuing.key));
}

/** The same certificate, signed by a signer (the worker pool). */
export async function issueLeafWith(ca: TestCa, req: LeafRequest, signer: TbsSigner): Promise<Buffer> {
  const tbs = leafTbs(ca, req);
  return signedCertificate(tbs, await signer.sign(tbs));
}
