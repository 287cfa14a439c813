import { sign } from 'node:crypto';
import { ext, keyIdentifier, signedCertificate, tbsCertificate } from './certificate.js';
import type { ParsedCsr } from './csr.js';
import * as der from './der.js';
import { KEY_USAGE_BITS, OID } from './oids.js';
import type { TbsSigner } from './sign-pool.js';
import type { TestCa } from './test-ca.js';
import { caUrls } from './urls.js';

/** What an S/MIME certificate gets when no KU/EKU template says otherwise. */
export const DEFAULT_SMIME_PROFILE = {
  keyUsageBits: [KEY_USAGE_BITS.digitalSignature, KEY_USAGE_BITS.keyEncipherment],
  extKeyUsages: [OID.emailProtection, OID.clientAuth],
} as const;

export interface LeafRequest {
  csr: ParsedCsr;
  /** becomes the subject CN (guide 2.1.1: "This value will be set for the subject 'CN'") */
  username: string;
  /** becomes the rfc822Name subjectAltName */
  email: string;
  /** more rfc822Name subjectAltNames, after `email` (a REST enrollment's secondaryEmails) */
  secondaryEmails?: readonly string[];
  /** positive, big-endian */
  serial: Buffer;
  notBefore: Date;
  notAfter: Date;
  keyUsageBits?: readonly number[];
  extKeyUsages?: readonly string[];
  /** base of the CRL and AIA URLs */
  baseUrl: string;
}

/** The CSR's subject with its CN replaced by the username (appended when the CSR has none). */
function leafSubject(csr: ParsedCsr, username: string): Buffer {
  const cn = der.set(der.seq(der.oid(OID.commonName), der.utf8(username)));
  const rdns: Buffer[] = [];
  let placed = false;
  csr.subjectRdns.forEach((rdn, i) => {
    if (csr.subjectRdnTypes[i] !== OID.commonName) rdns.push(rdn);
    else if (!placed) {
      rdns.push(cn);
      placed = true;
    }
  });
  if (!placed) rdns.push(cn);
  return der.seq(...rdns);
}

/** The TBSCertificate of an S/MIME certificate for a checked CSR, to be signed by the issuing CA. */
export function leafTbs(ca: TestCa, req: LeafRequest): Buffer {
  const urls = caUrls(req.baseUrl);
  const keyUsageBits = req.keyUsageBits ?? DEFAULT_SMIME_PROFILE.keyUsageBits;
  const extKeyUsages = req.extKeyUsages ?? DEFAULT_SMIME_PROFILE.extKeyUsages;
  const extensions = [
    ext.basicConstraints(false),
    ...(keyUsageBits.length ? [ext.keyUsage(keyUsageBits)] : []),
    ...(extKeyUsages.length ? [ext.extKeyUsage(extKeyUsages)] : []),
    ext.emailSubjectAltName([req.email, ...(req.secondaryEmails ?? [])]),
    ext.subjectKeyIdentifier(keyIdentifier(req.csr.publicKeyBits)),
    ext.authorityKeyIdentifier(ca.issuing.keyId),
    ext.crlDistributionPoint(urls.intermediateCrl),
    ext.authorityInfoAccess({ ocsp: urls.ocsp, caIssuers: urls.intermediateCer }),
  ];
  return tbsCertificate({
    serial: req.serial,
    issuer: ca.issuing.subject,
    subject: leafSubject(req.csr, req.username),
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
