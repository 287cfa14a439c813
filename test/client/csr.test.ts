import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateKeyAndCsr, RSA_KEY_SIZES } from '../../client/index.js';
import { openssl, tempDir } from '../support/openssl.js';

/** The key + CSR helper, judged by the openssl command line. */

describe('generateKeyAndCsr', () => {
  it.each(RSA_KEY_SIZES)(
    'RSA %i: a self-signed PKCS#10 request openssl verifies, for the key written beside it',
    async (bits) => {
      const made = await generateKeyAndCsr({
        bits,
        commonName: 'Alice Example',
        subject: { C: 'US', O: 'Example, Inc.' },
        email: 'alice@example.com',
      });
      expect(made.bits).toBe(bits);
      const dir = tempDir();
      writeFileSync(join(dir, 'req.pem'), made.csrPem);
      writeFileSync(join(dir, 'key.pem'), made.privateKeyPem);
      const text = openssl(['req', '-in', join(dir, 'req.pem'), '-verify', '-noout', '-text', '-nameopt', 'RFC2253']);
      expect(text).toContain(`Public-Key: (${bits} bit)`);
      expect(text).toMatch(/Subject: CN=Alice Example,O=Example\\, Inc\.,C=US/);
      expect(text).toContain('email:alice@example.com');
      expect(text).toContain('sha256WithRSAEncryption');
      const fromKey = openssl(['pkey', '-in', join(dir, 'key.pem'), '-pubout']);
      const fromReq = openssl(['req', '-in', join(dir, 'req.pem'), '-noout', '-pubkey']);
      expect(fromReq).toBe(fromKey);
    },
  );

  it('refuses other key sizes', async () => {
    await expect(generateKeyAndCsr({ bits: 1024 as never })).rejects.toThrow(RangeError);
  });
});
