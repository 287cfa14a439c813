import type { OperationName } from './contract.js';
import { isGuidePair } from './guide-codes.js';

/**
 * The status-code catalog: every code ccm-mock answers, the operations that answer it, the guide's words
 * (CCM S/MIME Enroll API 5.7) and where the meaning comes from. The server answers from it, the client's typed
 * errors carry its text, and the table in docs/status-codes.md is generated from it (a test keeps them equal),
 * joined with how to make the mock answer each code: mock-only knowledge, kept server-side
 * (server/domain/status-triggers.ts).
 *
 * Where a pair's meaning comes from is not kept here but read off the guide's tables (guide-codes.ts):
 * `'guide'` where the guide's table for the operation lists the code, `'ccm-mock'` for a choice this project
 * made where the guide is silent (explained in `note`).
 */

export type CodeSource = 'guide' | 'ccm-mock';

export interface StatusCodeEntry {
  code: number;
  /** symbolic name; the guide itself names two (REJECTED, ORDER_NUMBER_NOT_FOUND), the rest follow suit */
  name: string;
  operations: readonly OperationName[];
  /** the guide's wording (first operation's, where it differs per operation see `textByOperation`) */
  text: string;
  textByOperation?: Partial<Record<OperationName, string>>;
  /** why, where ccm-mock chose (for some or all of `operations`: those the guide's tables do not list the code for) */
  note?: string;
}

const ENROLLS = ['enroll', 'enrollUsingKUTemplates'] as const;
const REVOKES = ['revoke', 'revokeBySerialNumber', 'revokeAllByPerson'] as const;
const ORDER_OPS = ['getCollectStatus', 'collect', 'revoke'] as const;
const AUTHED = [...ENROLLS, 'getCollectStatus', 'collect', ...REVOKES] as const;

const CATALOG = [
  {
    code: 1,
    name: 'AVAILABLE',
    operations: ['getCollectStatus', 'collect'],
    text: 'Certificate available',
    textByOperation: { collect: 'Certificates attached' },
  },
  {
    code: 0,
    name: 'PROCESSING',
    operations: ['getCollectStatus', 'collect', ...REVOKES],
    text: 'Certificate being processed by Comodo',
    textByOperation: {
      collect: 'Being processed by Comodo',
      revoke: 'Successful',
      revokeBySerialNumber: 'Successful',
      revokeAllByPerson: 'Successful',
    },
    note: 'one code, two meanings: "being processed" for getCollectStatus/collect, "Successful" for the revoke operations',
  },
  {
    code: -1,
    name: 'INVALID_ORDER_NUMBER',
    operations: ['getCollectStatus', 'collect', 'revoke'],
    text: "The 'Order number' argument is invalid.",
  },
  {
    code: -2,
    name: 'ORDER_NUMBER_NOT_FOUND',
    operations: ['getCollectStatus', 'collect', 'revoke'],
    text: 'Order number not found.',
  },
  {
    code: -3,
    name: 'INVALID_SERIAL_NUMBER',
    operations: ['revokeBySerialNumber'],
    text: "The 'Serial number' argument is invalid.",
  },
  {
    code: -4,
    name: 'SERIAL_NUMBER_NOT_FOUND',
    operations: ['revokeBySerialNumber'],
    text: 'Serial number not found.',
  },
  {
    code: -5,
    name: 'INVALID_REASON',
    operations: ['revoke', 'revokeBySerialNumber'],
    text: "The 'reason' argument is invalid.",
    note: 'the guide limits reason to 128 characters but names no code for it',
  },
  {
    code: -7,
    name: 'INVALID_COUNTRY',
    operations: ENROLLS,
    text: 'Country is not a valid ISO-3166 country!',
  },
  {
    code: -9,
    name: 'CSR_NOT_BASE64',
    operations: ENROLLS,
    text: 'The CSR is not valid Base-64 data!',
    note: "the guide's 32767-character limit is on the argument's text, PEM lines and line breaks included: a longer text is refused as text, before anything is decoded (a valid request sent with less padding is issued; -10 would say its DER was read and failed)",
  },
  {
    code: -10,
    name: 'CSR_CANNOT_BE_DECODED',
    operations: ENROLLS,
    text: 'The CSR cannot be decoded!',
  },
  {
    code: -11,
    name: 'CSR_UNSUPPORTED_ALGORITHM',
    operations: ENROLLS,
    text: 'The CSR uses an unsupported algorithm!',
  },
  {
    code: -12,
    name: 'CSR_INVALID_SIGNATURE',
    operations: ENROLLS,
    text: 'The CSR has an invalid signature!',
  },
  {
    code: -13,
    name: 'CSR_UNSUPPORTED_KEY_SIZE',
    operations: ENROLLS,
    text: 'The CSR uses an unsupported key size!',
    note: "the guide (2017) allows 512..8192 bits; the S/MIME Baseline Requirements every certificate is issued under today (SBR 6.1.5) start at 2048 bits, in whole bytes, and the vendor's REST API has a code of its own for a key under the minimum size. ccm-mock also answers it for an RSA public exponent a CA refuses (even, or outside 2^16+1..2^256-1, SBR 6.1.6), checked before the signature: the exponent is a parameter of the key, as its size is, and the guide has no closer code; -11 would tell the client its algorithm (RSA) is unsupported, which is not so",
  },
  {
    code: -14,
    name: 'UNKNOWN_ERROR',
    operations: AUTHED,
    text: 'An unknown error occurred!',
  },
  {
    code: -16,
    name: 'PERMISSION_DENIED',
    operations: [...ORDER_OPS, 'revokeBySerialNumber', 'revokeAllByPerson', ...ENROLLS],
    text: 'Permission denied!',
    note: 'the guide lists no code for an admin enrolling into an organization it may not act for; ccm-mock answers -16 as the other operations do',
  },
  {
    code: -20,
    name: 'REJECTED',
    operations: ['collect', 'revoke', 'revokeAllByPerson', 'getCollectStatus'],
    text: 'CSR rejected',
    textByOperation: {
      revoke: 'The certificate request has been rejected!',
      revokeAllByPerson: 'The certificate request has been rejected!',
    },
    note: 'getCollectStatus: the guide\'s history adds REJECTED "(See 2.2.2)", the getCollectStatus section, but its table omits it; answering 0 would make clients poll a rejected order forever. revokeAllByPerson answers it when nothing of the person\'s is valid, none being issued and none revoked',
  },
  {
    code: -21,
    name: 'REVOKED',
    operations: ['collect', 'revoke', 'revokeBySerialNumber', 'revokeAllByPerson', 'getCollectStatus'],
    text: 'The certificate has been revoked!',
    note: 'getCollectStatus answers what collect would: a revoked certificate is no longer "available". revokeAllByPerson answers it when it revoked nothing because the person\'s certificates are revoked already, as a second revoke of one order does',
  },
  {
    code: -22,
    name: 'AWAITING_PAYMENT',
    operations: ['collect'],
    text: 'Still awaiting payment!',
  },
  {
    code: -26,
    name: 'BEING_ISSUED',
    operations: ['revoke', 'revokeAllByPerson'],
    text: 'The certificate is currently being Issued!',
    note: "revokeAllByPerson answers it when it revoked nothing and one of the person's orders is still on its way: a later call can revoke it (a person with a valid certificate gets 0, the pending order untouched)",
  },
  {
    code: -30,
    name: 'INVALID_USERNAME',
    operations: ENROLLS,
    text: "The 'username' argument is invalid.",
    note: 'the guide limits username to 64 characters but names no code for it; the username becomes the subject, which the S/MIME Baseline Requirements (7.1.4.2) keep free of metadata-only values and of mailbox addresses nobody validated',
  },
  {
    code: -31,
    name: 'INVALID_EMAIL',
    operations: [...ENROLLS, 'revokeAllByPerson'],
    text: "The 'E-Mail' argument is invalid!",
    note: "the guide requires a valid address of at most 128 characters but names no code; -31 is the SSL sibling service's code for an invalid e-mail",
  },
  {
    code: -32,
    name: 'INVALID_ORG_OR_DEPARTMENT',
    operations: ['revokeAllByPerson'],
    text: "The 'org' or 'dep' argument is invalid.",
    note: 'the guide names no code for an unknown organization or department',
  },
  {
    code: -100,
    name: 'INVALID_AUTH_DATA',
    operations: AUTHED,
    text: 'Invalid auth data!',
  },
  {
    code: -101,
    name: 'INVALID_ORG_AUTH',
    operations: AUTHED,
    text: "The 'Access code' argument is invalid.",
    textByOperation: {
      getCollectStatus: 'Invalid authentication data for customer Organization',
      collect: 'Invalid Organization auth data!',
      revoke: 'Invalid Organization auth data!',
      revokeBySerialNumber: 'Invalid Organization auth data!',
      revokeAllByPerson: 'Invalid Organization auth data!',
    },
  },
  {
    code: -111,
    name: 'DOMAIN_NOT_ALLOWED',
    operations: ENROLLS,
    text: 'Domain is not allowed for Organization',
    note: "enroll: only enrollUsingKUTemplates' table (2.1.7) lists -111, enroll's (2.1.1.2) does not; but 2.1.1.1 says the email's domain \"should match\" the organization's for enroll too, and ccm-mock refuses it the same way",
  },
  {
    code: -112,
    name: 'TEMPLATE_NOT_ALLOWED_FOR_CUSTOMER',
    operations: ['enrollUsingKUTemplates'],
    text: 'KU/EKU template is not allowed for customer',
  },
  {
    code: -113,
    name: 'TEMPLATE_RETIRED',
    operations: ['enrollUsingKUTemplates'],
    text: 'KU/EKU template is not allowed any more',
  },
  {
    code: -114,
    name: 'TEMPLATE_NOT_AVAILABLE_FOR_ORG',
    operations: ['enrollUsingKUTemplates'],
    text: 'KU/EKU template is not available for Organization',
  },
  {
    code: -120,
    name: 'CUSTOMER_CONFIGURATION_FORBIDS',
    operations: AUTHED,
    text: 'Customer configuration is not allowed the desired action',
  },
] as const satisfies readonly StatusCodeEntry[];

export const STATUS_CODES: readonly StatusCodeEntry[] = CATALOG;

type CatalogEntry = (typeof CATALOG)[number];
export type StatusName = CatalogEntry['name'];

/** Symbolic status codes derived from the catalog, so code reads `Status.REVOKED` rather than `-21`. */
export const Status = {
  ...(Object.fromEntries(CATALOG.map((e) => [e.name, e.code])) as { [E in CatalogEntry as E['name']]: E['code'] }),
  /** code 0 as the revoke operations mean it */
  SUCCESS: 0,
} as const;

const byCode = new Map(STATUS_CODES.map((e) => [e.code, e]));

export function statusEntry(code: number): StatusCodeEntry | undefined {
  return byCode.get(code);
}

/** Where the meaning of a code for an operation comes from; undefined when ccm-mock does not answer it there. */
export function statusSource(code: number, operation: OperationName): CodeSource | undefined {
  const entry = byCode.get(code);
  if (!entry?.operations.includes(operation)) return undefined;
  return isGuidePair(code, operation) ? 'guide' : 'ccm-mock';
}

export function statusText(code: number, operation?: OperationName): string {
  const entry = byCode.get(code);
  if (!entry) return `Unknown status code ${code}`;
  return (operation && entry.textByOperation?.[operation]) || entry.text;
}
