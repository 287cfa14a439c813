import { X509Certificate } from 'node:crypto';

/**
 * An enrollment order and the states it moves through:
 *
 *   processing ──> issuing ──> issued ──> revoked
 *       │  ╲
 *       │   ╲──> awaiting-payment ──(paid)──> issuing
 *       ╰──────> rejected
 *
 * "issuing" is the short "being issued" window the guide's -26 speaks of. Transitions happen when
 * something observes the order (a SOAP call, the admin API) and a scheduled step is due, never on a timer:
 * the store holds the whole truth and a restart loses nothing.
 */

export const ORDER_STATES = ['processing', 'awaiting-payment', 'issuing', 'issued', 'rejected', 'revoked'] as const;
export type OrderState = (typeof ORDER_STATES)[number];

/** The next step of an order, due at a time or after a number of status polls, whichever is set. */
export interface ScheduledStep {
  to: OrderState;
  /** mock-clock milliseconds */
  at?: number;
  /** due once this many more polls (getCollectStatus / collect calls) have answered */
  afterPolls?: number;
}

export interface IssuedCertificate {
  /** lowercase hex, no leading zeros beyond one byte's pair */
  serial: string;
  /** base64 DER */
  der: string;
  notBefore: number;
  notAfter: number;
}

export interface Revocation {
  at: number;
  /** the reason text the caller gave (may be empty) */
  reason: string;
  /** RFC 5280 CRLReason code: given (REST), or derived from the text where possible */
  reasonCode: number;
  /** who revoked: the operation, or "auto-revoke" / "admin" */
  by: string;
  /**
   * marked revoked without the CA (REST's manual revocation, "not revoked on CA side"): it stays off the CRL and
   * OCSP
   */
  manual?: boolean;
}

/** The API a call came through: the order that shows which one made it. */
export const APIS = ['soap', 'rest'] as const;
export type Api = (typeof APIS)[number];

/** What a REST enrollment (or a renewal, a replacement over REST) adds to an order; SOAP orders have none. */
export interface RestEnrollment {
  /** the certificate profile's id */
  certType: number;
  /** validity in days */
  term: number;
  firstName: string;
  middleName?: string;
  lastName: string;
  commonName?: string;
  phone?: string;
  secondaryEmails: string[];
  eppn?: string;
  upn?: string;
  comments?: string;
  customFields: { name: string; value: string }[];
  /** the order this one renews or replaces */
  renewalOf?: number;
}

export interface HistoryEntry {
  at: number;
  state: OrderState;
  note: string;
}

export interface Order {
  orderNumber: number;
  /** the API that enrolled it */
  api: Api;
  customerUri: string;
  orgId: number;
  department?: string;
  /** the admin login that enrolled */
  admin: string;
  username: string;
  email: string;
  /** base64 DER of the CSR, kept until the certificate is issued (empty afterwards) */
  csr: string;
  /**
   * a renewal has no CSR: base64 DER of the SubjectPublicKeyInfo its certificate is for (the renewed one's), kept
   * until it is issued
   */
  publicKey?: string;
  /** KU/EKU template shortNames requested with enrollUsingKUTemplates */
  templates: string[];
  /** the base URL the certificate's CRL/AIA point at (the URL the client enrolled through) */
  baseUrl: string;
  state: OrderState;
  next?: ScheduledStep;
  /** scripted outcome tags from the email's local part (see lifecycle) */
  tags: string[];
  /** status polls answered while the order still had a step ahead (polls of a settled order are not counted) */
  polls: number;
  createdAt: number;
  /**
   * Which enrollment came first when the mock's clock gave two the same createdAt (a frozen clock): increasing in
   * the order orders were made, across restarts. Orders stored before it existed compare by order number.
   */
  enrolledSeq?: number;
  updatedAt: number;
  certificate?: IssuedCertificate;
  revocation?: Revocation;
  history: HistoryEntry[];
  /** REST enrollments' profile, term, person details and custom fields */
  rest?: RestEnrollment;
}

/** RFC 5280 CRLReason codes, from the free-text reason a revoke call gives (guide: "for audit logging"). */
export function reasonCodeFromText(reason: string): number {
  const r = reason.toLowerCase();
  // before keyCompromise: "CA compromised" is the CA's compromise, not a key's
  if (/\bca ?compromise/.test(r)) return 2;
  if (/key ?compromise|compromised|stolen|leak/.test(r)) return 1;
  if (/affiliation|left the company|leaver|changed/.test(r)) return 3;
  if (/supersed|replace|renew|re-?issue/.test(r)) return 4;
  if (/cessation|no longer|ceased|decommission/.test(r)) return 5;
  if (/privilege/.test(r)) return 9;
  return 0; // unspecified
}

/** An order's issued certificate as Node parses it (the admin API shows it), undefined before issuance. */
export function certificateOf(order: Order): X509Certificate | undefined {
  return order.certificate ? new X509Certificate(Buffer.from(order.certificate.der, 'base64')) : undefined;
}
