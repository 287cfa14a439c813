import { join } from 'node:path';
import type { CertificateRecord, CertificateRecords } from './certificate-records.js';
import { isIssuedBy } from './cert-fields.js';
import { CrlPublisher, type PublishedCrl } from './crl.js';
import { FileCrlNumbers, MemoryCrlNumbers, type CrlNumbers } from './crl-number.js';
import { obtainOcspSigner, type OcspSigner, type RsaKeyPair } from './ocsp-signer.js';
import { OcspResponder } from './ocsp.js';
import type { TestCa } from './test-ca.js';

/**
 * Revocation status of the test CA for relying parties: the issuing CA's CRL (its revoked leaves), the
 * root's CRL (covering the intermediate, which nothing revokes), and the OCSP responder for leaves.
 */

export interface Revocation {
  intermediateCrl(): PublishedCrl;
  /** undefined when the root's key is not available (a CA loaded from files without it) */
  rootCrl(): PublishedCrl | undefined;
  ocsp: OcspResponder;
  ocspSigner: OcspSigner;
}

export interface RevocationOptions {
  ca: TestCa;
  records: CertificateRecords;
  /** the mock's clock, milliseconds */
  now: () => number;
  /** the mock's data directory: CRL numbers and the OCSP responder are kept in its `ca` folder */
  dataDir?: string;
  /** RSA key size of a generated OCSP responder */
  keyBits?: number;
  /** a responder key pair generated ahead of time (start-up runs it beside the CA's key generation) */
  ocspKeyPair?: Promise<RsaKeyPair>;
}

export async function createRevocation(opts: RevocationOptions): Promise<Revocation> {
  const { ca, records, now } = opts;
  const numbers: CrlNumbers = opts.dataDir
    ? new FileCrlNumbers(join(opts.dataDir, 'ca', 'crl-numbers.json'))
    : new MemoryCrlNumbers();
  const ocspSigner = await obtainOcspSigner(ca, {
    dataDir: opts.dataDir,
    keyBits: opts.keyBits,
    now: now(),
    keyPair: opts.ocspKeyPair,
  });

  // whether a serial's certificate is this issuing CA's (not an earlier CA's in the same data directory);
  // serials are random 128-bit numbers, so the answer never changes for a serial
  const issuedHere = new Map<string, boolean>();
  const isOurs = (r: CertificateRecord) => {
    let ours = issuedHere.get(r.serial);
    if (ours === undefined) issuedHere.set(r.serial, (ours = isIssuedBy(r.der, ca.issuing)));
    return ours;
  };
  const intermediate = new CrlPublisher({
    signer: ca.issuing,
    scope: 'intermediate:' + ca.issuing.keyId.toString('hex'),
    numbers,
    now,
    entries: () =>
      records
        .revoked()
        .filter((r) => r.revocation && isOurs(r))
        .map((r) => ({
          serial: Buffer.from(r.serial, 'hex'),
          revokedAt: new Date(r.revocation!.at),
          reasonCode: r.revocation!.reasonCode,
        })),
  });
  const rootKey = ca.root.key;
  const root =
    rootKey &&
    new CrlPublisher({
      signer: { ...ca.root, key: rootKey },
      scope: 'root:' + ca.root.keyId.toString('hex'),
      numbers,
      now,
      entries: () => [],
    });

  return {
    intermediateCrl: () => intermediate.current(),
    rootCrl: () => root?.current(),
    ocsp: new OcspResponder({ issuer: ca.issuing, signer: ocspSigner, records, now }),
    ocspSigner,
  };
}
