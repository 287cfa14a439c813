import { createHash, createPrivateKey, generateKeyPair, X509Certificate, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildCertificate, ext, extension, fromPem, keyIdentifier, name, randomSerial, toPem } from './certificate.js';
import { publicKeyBitsOf } from './cert-fields.js';
import * as der from './der.js';
import { children, readBitStringOctets, readWhole } from './der-reader.js';
import { writeFileDurably } from './durable-file.js';
import { KEY_USAGE_BITS, OID } from './oids.js';
import type { TestCa } from './test-ca.js';

/**
 * The delegated OCSP responder (RFC 6960 4.2.2.2): a certificate the issuing CA signs for OCSPSigning,
 * with id-pkix-ocsp-nocheck so relying parties do not ask about the responder itself.
 * Kept as `<data-dir>/ca/ocsp.pem` + `ocsp.key` when there is a data directory (whatever the CA's origin),
 * made anew otherwise; a kept one is replaced when it no longer belongs to the CA or has expired.
 */

export const OCSP_RESPONDER_NAME = 'ccm-mock TEST OCSP Responder - NOT FOR PRODUCTION';
const ORG_NAME = 'ccm-mock (test certificates only)';

export interface OcspSigner {
  der: Buffer;
  pem: string;
  key: KeyObject;
  /** SHA-1 of the responder's subjectPublicKey: its ResponderID byKey */
  keyHash: Buffer;
}

export interface ObtainSignerOptions {
  /** the mock's data directory; the responder is kept in its `ca` folder */
  dataDir?: string;
  keyBits?: number;
  /** the mock's clock, milliseconds */
  now: number;
  /** a key pair already being generated (started beside the CA's own), used if a new responder is made */
  keyPair?: Promise<RsaKeyPair>;
}

export type RsaKeyPair = { publicKey: KeyObject; privateKey: KeyObject };

const generateRsa = promisify(generateKeyPair);

function signerOf(certDer: Buffer, key: KeyObject): OcspSigner {
  const keyHash = createHash('sha1').update(publicKeyBitsOf(certDer)).digest();
  return { der: certDer, pem: toPem(certDer, 'CERTIFICATE'), key, keyHash };
}

/** Start generating an RSA key pair (on libuv's thread pool, beside whatever else starts up). */
export function generateRsaKeyPair(keyBits = 2048): Promise<RsaKeyPair> {
  return generateRsa('rsa', { modulusLength: keyBits });
}

export async function generateOcspSigner(
  ca: TestCa,
  keyBits = 2048,
  keyPair?: Promise<RsaKeyPair>,
): Promise<OcspSigner> {
  const pair = await (keyPair ?? generateRsaKeyPair(keyBits));
  const spki = pair.publicKey.export({ type: 'spki', format: 'der' });
  const certDer = buildCertificate(
    {
      serial: randomSerial(),
      issuer: ca.issuing.subject,
      subject: name([
        [OID.organizationName, ORG_NAME],
        [OID.commonName, OCSP_RESPONDER_NAME],
      ]),
      spki,
      // the issuing CA's validity: nested in the chain, and valid whatever the mock's clock said when it was made
      notBefore: new Date(ca.issuing.x509.validFrom),
      notAfter: new Date(ca.issuing.x509.validTo),
      extensions: [
        ext.basicConstraints(false),
        ext.keyUsage([KEY_USAGE_BITS.digitalSignature]),
        ext.extKeyUsage([OID.ocspSigning]),
        extension(OID.ocspNoCheck, false, der.nul()),
        ext.subjectKeyIdentifier(keyIdentifier(readBitStringOctets(children(readWhole(spki))[1]))),
        ext.authorityKeyIdentifier(ca.issuing.keyId),
      ],
    },
    ca.issuing.key,
  );
  return signerOf(certDer, pair.privateKey);
}

/** A kept responder, if it is still the issuing CA's, matches its key and is valid at `now`. */
function usable(ca: TestCa, certDer: Buffer, key: KeyObject, now: number): boolean {
  const x509 = new X509Certificate(certDer);
  return (
    x509.verify(ca.issuing.x509.publicKey) &&
    x509.checkPrivateKey(key) &&
    Date.parse(x509.validTo) > now &&
    x509.checkIssued(ca.issuing.x509)
  );
}

const inMemory = new WeakMap<TestCa, Promise<OcspSigner>>();

export async function obtainOcspSigner(ca: TestCa, opts: ObtainSignerOptions): Promise<OcspSigner> {
  if (!opts.dataDir) {
    // tests hand one CA to many mocks: one responder key per CA object is enough
    let made = inMemory.get(ca);
    if (!made) inMemory.set(ca, (made = generateOcspSigner(ca, opts.keyBits, opts.keyPair)));
    return made;
  }
  const dir = join(opts.dataDir, 'ca');
  const certFile = join(dir, 'ocsp.pem');
  const keyFile = join(dir, 'ocsp.key');
  if (existsSync(certFile) && existsSync(keyFile)) {
    try {
      const [certDer] = fromPem(readFileSync(certFile, 'utf8'), 'CERTIFICATE');
      const key = createPrivateKey(readFileSync(keyFile, 'utf8'));
      if (certDer && usable(ca, certDer, key, opts.now)) return signerOf(certDer, key);
    } catch {
      // unreadable: replaced below
    }
  }
  const signer = await generateOcspSigner(ca, opts.keyBits, opts.keyPair);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // each file whole or not at all; a pair that does not match is replaced on the next start
  writeFileDurably(keyFile, signer.key.export({ type: 'pkcs8', format: 'pem' }) as string, 0o600);
  writeFileDurably(certFile, signer.pem);
  return signer;
}
