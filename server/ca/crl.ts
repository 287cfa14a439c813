import { createHash, sign, type KeyObject } from 'node:crypto';
import { ext, extension, SHA256_RSA } from './certificate.js';
import type { CrlNumbers } from './crl-number.js';
import * as der from './der.js';
import { OID } from './oids.js';

/**
 * Certificate revocation lists (RFC 5280 section 5): a v2 CRL with AuthorityKeyIdentifier and CRLNumber,
 * one entry per revoked certificate with its reason code, signed sha256WithRSA by the CA.
 */

export interface CrlEntry {
  /** positive, big-endian magnitude */
  serial: Buffer;
  revokedAt: Date;
  /** RFC 5280 CRLReason */
  reasonCode: number;
}

export interface CrlSigner {
  /** raw DER of the CA's subject Name: the CRL's issuer */
  subject: Buffer;
  keyId: Buffer;
  key: KeyObject;
}

export interface CrlFields {
  number: bigint;
  thisUpdate: Date;
  nextUpdate: Date;
  entries: readonly CrlEntry[];
}

/**
 * CRLReason codes worth stating. unspecified (0) is left out, as RFC 5280 5.3.1 asks ("SHOULD be absent
 * instead of using the unspecified (0) reasonCode value"); removeFromCRL (8) belongs to delta CRLs only.
 */
export function statedReason(code: number): number | undefined {
  return [1, 2, 3, 4, 5, 6, 9, 10].includes(code) ? code : undefined;
}

export const REASON_NAMES: Readonly<Record<number, string>> = {
  0: 'unspecified',
  1: 'keyCompromise',
  2: 'cACompromise',
  3: 'affiliationChanged',
  4: 'superseded',
  5: 'cessationOfOperation',
  6: 'certificateHold',
  8: 'removeFromCRL',
  9: 'privilegeWithdrawn',
  10: 'aACompromise',
};

export function buildCrl(signer: CrlSigner, fields: CrlFields): Buffer {
  const revoked = fields.entries.map((e) => {
    const reason = statedReason(e.reasonCode);
    const entryExtensions =
      reason === undefined ? [] : [der.seq(extension(OID.cRLReason, false, der.enumerated(reason)))];
    return der.seq(der.int(e.serial), der.time(e.revokedAt), ...entryExtensions);
  });
  const tbs = der.seq(
    der.int(1), // v2
    SHA256_RSA,
    signer.subject,
    der.time(fields.thisUpdate),
    der.time(fields.nextUpdate),
    // an empty list is left out, not sent as an empty SEQUENCE (RFC 5280 5.1.2.6)
    ...(revoked.length ? [der.seq(...revoked)] : []),
    der.explicit(
      0,
      der.seq(ext.authorityKeyIdentifier(signer.keyId), extension(OID.cRLNumber, false, der.int(fields.number))),
    ),
  );
  return der.seq(tbs, SHA256_RSA, der.bitString(sign('sha256', tbs, signer.key)));
}

export interface PublishedCrl {
  der: Buffer;
  number: bigint;
  thisUpdate: Date;
  nextUpdate: Date;
  entries: number;
}

export interface CrlPublisherOptions {
  signer: CrlSigner;
  /** the CRL's numbering scope in `numbers` */
  scope: string;
  numbers: CrlNumbers;
  /** the revoked certificates now; read on every request, so a revocation shows on the next fetch */
  entries: () => CrlEntry[];
  /** the mock's clock, milliseconds */
  now: () => number;
  /** nextUpdate - thisUpdate */
  validityMs?: number;
  /** a CRL whose content has not changed is re-signed once it is this old */
  refreshMs?: number;
}

export const CRL_VALIDITY_MS = 24 * 3600 * 1000;
export const CRL_REFRESH_MS = 3600 * 1000;

/**
 * One CA's current CRL, rebuilt lazily: a request gets the cached CRL unless the set of revoked
 * certificates changed since it was signed (any revocation, an admin reset) or it is older than the
 * refresh period. Each rebuild takes the next CRL number, so numbers only grow.
 */
export class CrlPublisher {
  private cached?: PublishedCrl & { fingerprint: string; builtAt: number };

  constructor(private readonly opts: CrlPublisherOptions) {}

  current(): PublishedCrl {
    const entries = [...this.opts.entries()].sort(
      (a, b) => a.revokedAt.getTime() - b.revokedAt.getTime() || Buffer.compare(a.serial, b.serial),
    );
    const hash = createHash('sha256');
    for (const e of entries) hash.update(`${e.serial.toString('hex')}/${e.revokedAt.getTime()}/${e.reasonCode};`);
    const fingerprint = hash.digest('hex');
    const now = this.opts.now();
    const c = this.cached;
    if (
      c &&
      c.fingerprint === fingerprint &&
      now >= c.builtAt &&
      now - c.builtAt < (this.opts.refreshMs ?? CRL_REFRESH_MS)
    )
      return c;

    const thisUpdate = new Date(Math.floor(now / 1000) * 1000);
    const nextUpdate = new Date(thisUpdate.getTime() + (this.opts.validityMs ?? CRL_VALIDITY_MS));
    const number = this.opts.numbers.next(this.opts.scope);
    const built = buildCrl(this.opts.signer, { number, thisUpdate, nextUpdate, entries });
    this.cached = { der: built, number, thisUpdate, nextUpdate, entries: entries.length, fingerprint, builtAt: now };
    return this.cached;
  }
}
