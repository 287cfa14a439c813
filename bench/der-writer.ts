import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../wsdl/paths.js';
import { compareIssuance, issuancePaths, leafInputs } from './lib/issuance.js';

/**
 * Issuance per second with ccm-mock's DER writer and with @peculiar/x509's X509CertificateGenerator: the same
 * S/MIME leaf (checked byte for byte), the same CA key, on one thread, in alternating blocks.
 * Prints one JSON line: { derWriterPerSecond, peculiarPerSecond, ratio, certificates, certificateBytes, keyBits }.
 *
 *   tsx bench/der-writer.ts <issuing key PEM> [milliseconds]
 */

const [keyFile, ms = '2000'] = process.argv.slice(2);
if (!keyFile) {
  console.error('usage: der-writer.ts <key.pem> [milliseconds]');
  process.exit(2);
}
const key = createPrivateKey(readFileSync(keyFile, 'utf8'));
const csr = readFileSync(join(packageRoot, 'fixtures', 'csr', 'rsa-2048.csr'), 'utf8');
const result = await compareIssuance(await issuancePaths(leafInputs(csr), key), Number(ms));
console.log(JSON.stringify({ ...result, keyBits: key.asymmetricKeyDetails?.modulusLength }));
