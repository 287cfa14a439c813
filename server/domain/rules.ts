/**
 * Argument rules of the guide's tables (max lengths, "valid email address") and how ccm-mock reads
 * arguments the guide leaves loose (serial number notation).
 */

export const LIMITS = {
  secretKey: 20,
  username: 64,
  email: 128,
  csr: 32767,
  reason: 128,
  org: 128,
  dep: 128,
} as const;

const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const EMAIL = new RegExp(`^[A-Za-z0-9.!#$%&'*+/=?^_\`{|}~-]{1,64}@${LABEL}(?:\\.${LABEL})+$`);

export function isValidEmail(email: string | undefined): email is string {
  return (
    email !== undefined &&
    email.length <= LIMITS.email &&
    EMAIL.test(email) &&
    !email.includes('..') &&
    !email.startsWith('.')
  );
}

/**
 * A username can name a certificate's subject: at most 64 characters (the guide, and X.520's bound on a CN),
 * no control characters, and more than metadata: "Subject attributes SHALL NOT contain only metadata such as
 * '.', '-', and ' '" (SBR 7.1.4.2).
 */
export function isValidUsername(username: string | undefined): username is string {
  return (
    username !== undefined &&
    !/^[\s.-]*$/.test(username) &&
    username.length <= LIMITS.username &&
    // eslint-disable-next-line no-control-regex -- control characters are what a login name may not contain
    !/[\u0000-\u001f\u007f]/.test(username)
  );
}

/**
 * A serial number as revokeBySerialNumber accepts it ("16 hex format"): hex digits, case-insensitive,
 * optionally with a 0x prefix or colon/space separators as openssl prints them. Returns the canonical
 * form ccm-mock stores (lowercase, even length, no redundant leading zero bytes) or undefined.
 */
export function canonicalSerial(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const hex = text.trim().replace(/^0x/i, '').replace(/[:\s]/g, '');
  if (!/^[0-9a-fA-F]{1,40}$/.test(hex)) return undefined;
  const value = BigInt('0x' + hex);
  if (value === 0n) return undefined;
  const s = value.toString(16);
  return s.length % 2 ? '0' + s : s;
}
