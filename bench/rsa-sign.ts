import { createPrivateKey, randomBytes, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * The raw limit of issuance: RSA signatures per second with the CA's issuing key through node:crypto,
 * on one thread, over a certificate-sized message (sha256WithRSAEncryption, as issuance signs).
 * Prints one JSON line: { signatures, seconds, perSecond, keyBits }.
 *
 *   tsx bench/rsa-sign.ts <issuing key PEM> [milliseconds]
 */

const [keyFile, ms = '2000'] = process.argv.slice(2);
if (!keyFile) {
  console.error('usage: rsa-sign.ts <key.pem> [milliseconds]');
  process.exit(2);
}
const key = createPrivateKey(readFileSync(keyFile, 'utf8'));
const tbs = randomBytes(1200); // an S/MIME leaf's TBSCertificate is ~1.1-1.3 kB
for (let i = 0; i < 50; i++) sign('sha256', tbs, key); // warm-up
const started = performance.now();
let signatures = 0;
while (performance.now() - started < Number(ms)) {
  sign('sha256', tbs, key);
  signatures++;
}
const seconds = (performance.now() - started) / 1000;
console.log(
  JSON.stringify({
    signatures,
    seconds,
    perSecond: signatures / seconds,
    keyBits: key.asymmetricKeyDetails?.modulusLength,
  }),
);
