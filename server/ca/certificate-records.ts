/**
 * What the CA layer needs to know about the certificates it issued, to publish their status.
 * The CA layer does not know orders: the assembly (mock-server.ts) hands it an implementation over the
 * order store (server/domain/certificate-records.ts).
 */

export interface CertificateRecord {
  /** canonical serial: lowercase hex, even length, no redundant leading zero bytes */
  serial: string;
  der: Buffer;
  revocation?: {
    /** milliseconds since the epoch, the mock's clock */
    at: number;
    /** RFC 5280 CRLReason */
    reasonCode: number;
  };
}

export interface CertificateRecords {
  /** the certificate with this serial, revoked or not; undefined when none was issued */
  bySerial(serial: string): CertificateRecord | undefined;
  /** every revoked certificate */
  revoked(): CertificateRecord[];
}

/** The canonical serial of an INTEGER's content octets, or undefined for zero and negative values. */
export function canonicalSerialOf(integerContent: Buffer): string | undefined {
  if (integerContent.length === 0 || integerContent[0] & 0x80) return undefined;
  const value = BigInt('0x' + integerContent.toString('hex'));
  if (value === 0n) return undefined;
  const hex = value.toString(16);
  return hex.length % 2 ? '0' + hex : hex;
}
