import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import { Name, PemConverter, Pkcs10CertificateRequestGenerator, SubjectAlternativeNameExtension } from '@peculiar/x509';

/**
 * A key pair and a PKCS#10 request for callers who do not bring their own CSR. RSA only: the guide
 * accepts rsaEncryption keys of 512..8192 bits (section 2.1.1.1), the S/MIME Baseline Requirements every
 * certificate is issued under today from 2048 bits; this offers the sizes worth using.
 */

export const RSA_KEY_SIZES = [2048, 3072, 4096] as const;
export type RsaKeySize = (typeof RSA_KEY_SIZES)[number];

export interface KeyAndCsrOptions {
  /** RSA modulus length (default 2048) */
  bits?: RsaKeySize;
  /** subject CN (CCM replaces it with the enrolled `username` anyway) */
  commonName?: string;
  /** further subject attributes, e.g. { C: 'US', O: 'Example Inc' } */
  subject?: Record<string, string>;
  /** put this address in the request's subjectAltName (informational; CCM uses the enroll `email`) */
  email?: string;
  /** signature hash (default SHA-256) */
  hash?: 'SHA-256' | 'SHA-384' | 'SHA-512';
}

export interface KeyAndCsr {
  /** PKCS#8 PEM, unencrypted: store it safely */
  privateKeyPem: string;
  csrPem: string;
  bits: RsaKeySize;
}

const escapeRdn = (v: string) => v.replace(/([,+"\\<>;=#])/g, '\\$1');

export async function generateKeyAndCsr(options: KeyAndCsrOptions = {}): Promise<KeyAndCsr> {
  const bits = options.bits ?? 2048;
  if (!RSA_KEY_SIZES.includes(bits))
    throw new RangeError(`RSA key size must be one of ${RSA_KEY_SIZES.join(', ')}, not ${bits}`);
  const hash = options.hash ?? 'SHA-256';
  const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash, publicExponent: new Uint8Array([1, 0, 1]), modulusLength: bits };
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const rdns = [
    ...Object.entries(options.subject ?? {}),
    ['CN', options.commonName ?? options.email ?? 'ccm client'],
  ].map(([k, v]) => `${k}=${escapeRdn(v)}`);
  const csr = await Pkcs10CertificateRequestGenerator.create(
    {
      name: new Name(rdns.join(', ')),
      keys,
      signingAlgorithm: algorithm,
      extensions: options.email ? [new SubjectAlternativeNameExtension([{ type: 'email', value: options.email }])] : [],
    },
    webcrypto,
  );
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return {
    privateKeyPem: PemConverter.encode(pkcs8, 'PRIVATE KEY') + '\n',
    csrPem: csr.toString('pem') + '\n',
    bits,
  };
}
