import { openssl } from './openssl.js';

/** The certificates inside a collect answer, as PEM blocks, whatever the format (split by openssl, not by our code). */
export function certificatesOf(certificate: string, format: 'pkcs7' | 'x509' | 'pem-chain' = 'pkcs7'): string[] {
  let pems: string;
  if (format === 'pkcs7')
    pems = openssl(['pkcs7', '-inform', 'DER', '-print_certs'], Buffer.from(certificate, 'base64'));
  else if (format === 'x509') pems = openssl(['x509', '-inform', 'DER'], Buffer.from(certificate, 'base64'));
  else pems = certificate;
  return [...pems.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g)].map(
    (m) => m[0].trimEnd() + '\n',
  );
}
