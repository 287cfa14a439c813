import { Lru } from '../lib/lru.js';
import { toPem } from './certificate.js';
import * as der from './der.js';
import { OID } from './oids.js';

/**
 * The shapes `collect` can return the certificate in (the wire profile's `certificateFormat`).
 * The live format is unconfirmed (docs/wire-fidelity.md); the guide says "certificate in Base-64".
 */
export const CERTIFICATE_FORMATS = ['pkcs7', 'x509', 'pem-chain'] as const;
export type CertificateFormat = (typeof CERTIFICATE_FORMATS)[number];

/** A degenerate ("certs-only") PKCS#7 SignedData holding the certificates, in the order given. */
export function pkcs7CertsOnly(certs: readonly Buffer[]): Buffer {
  const signedData = der.seq(
    der.int(1),
    der.set(), // digestAlgorithms
    der.seq(der.oid(OID.pkcs7Data)), // encapContentInfo without content
    der.implicitConstructed(0, Buffer.concat(certs)), // certificates
    der.set(), // signerInfos
  );
  return der.seq(der.oid(OID.pkcs7SignedData), der.explicit(0, signedData));
}

/**
 * The certificate text for `collect`:
 *  - pkcs7: base64 (one line) of a DER PKCS#7 with leaf, issuing CA and root
 *  - x509: base64 (one line) of the leaf's DER
 *  - pem-chain: PEM certificates root first, leaf last, as the SSL service's formatType 0 answer
 */
export function formatCertificate(format: CertificateFormat, leaf: Buffer, issuing: Buffer, root: Buffer): string {
  switch (format) {
    case 'pkcs7':
      return pkcs7CertsOnly([leaf, issuing, root]).toString('base64');
    case 'x509':
      return leaf.toString('base64');
    case 'pem-chain':
      return [root, issuing, leaf]
        .map((c) => toPem(c, 'CERTIFICATE'))
        .join('')
        .trimEnd();
  }
}

/** Bundles kept ready, by leaf serial. */
export const RECENT_BUNDLES = 256;

/**
 * collect is polled: the same order's bundle is asked for again and again. The bundles made last, by the
 * leaf's serial, so a poll costs a map lookup instead of decoding the leaf and building the bundle.
 */
export class RecentBundles {
  private readonly recent: Lru<string, string>;

  constructor(
    private readonly format: CertificateFormat,
    size = RECENT_BUNDLES,
  ) {
    this.recent = new Lru(size);
  }

  /**
   * The bundle of a leaf, given as base64 DER. `issuing` is asked for only when a bundle is made (an
   * intermediate variant may have to be signed for it): not for the x509 format, nor for a bundle made before.
   */
  of(serial: string, leafBase64: string, issuing: () => Buffer, root: Buffer): string {
    // the x509 format is the leaf's base64 itself
    if (this.format === 'x509') return leafBase64;
    return this.recent.getOrSet(serial, () =>
      formatCertificate(this.format, Buffer.from(leafBase64, 'base64'), issuing(), root),
    );
  }

  clear(): void {
    this.recent.clear();
  }

  /** how many bundles are kept (for tests of the bound) */
  get size(): number {
    return this.recent.size;
  }
}
