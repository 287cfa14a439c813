import type { OperationName } from './contract.js';
import { isGuidePair } from './guide-codes.js';

/**
 * The status-code catalog: every code ccm-mock answers, the operations that answer it, the guide's words
 * (CCM S/MIME Enroll API 5.7) and where the meaning comes from. The server answers from it, the client's typed
 * errors carry its text, and the README's status-code table is generated from it (a test keeps them equal).
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
  /** how to make the mock answer this code (README) */
  trigger: string;
  triggerByOperation?: Partial<Record<OperationName, string>>;
  /** why, where ccm-mock chose (for some or all of `operations`: those the guide's tables do not list the code for) */
  note?: string;
}

const ENROLLS = ['enroll', 'enrollUsingKUTemplates'] as const;
const REVOKES = ['revoke', 'revokeBySerialNumber', 'revokeAllByPerson'] as const;
const ORDER_OPS = ['getCollectStatus', 'collect', 'revoke'] as const;
const AUTHED = [...ENROLLS, 'getCollectStatus', 'collect', ...REVOKES] as const;

const ENROLL_FAIL14 =
  'fault injection (`POST /admin/api/faults`); an enroll for a `+fail14` address is carried out (the tag acts on the calls about the order)';
const ENROLL_ORG_AUTH =
  'wrong `secretKey` for `orgId` (the accounts fixture holds keys of at most 20 characters, the guide\'s limit, so a longer one is always wrong), unknown `orgId`, or a suspended organization (org 1004 in the fixture, or `PATCH /admin/api/orgs/{orgId}` `{"suspended": true}`)';

const CATALOG = [
  {
    code: 1,
    name: 'AVAILABLE',
    operations: ['getCollectStatus', 'collect'],
    text: 'Certificate available',
    textByOperation: { collect: 'Certificates attached' },
    trigger: 'an issued order (instant by default; see processing delay)',
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
    trigger: 'an order still processing: `alice+pending3@example.com`, or any order during the processing delay',
    triggerByOperation: {
      revoke: 'revoke an issued certificate',
      revokeBySerialNumber: 'revoke an issued certificate by its serial',
      revokeAllByPerson:
        'a valid email, organization and (optional) department: every valid certificate of the person is revoked (orders still being issued are left as they are); also a person with no order at all',
    },
    note: 'one code, two meanings: "being processed" for getCollectStatus/collect, "Successful" for the revoke operations',
  },
  {
    code: -1,
    name: 'INVALID_ORDER_NUMBER',
    operations: ['getCollectStatus', 'collect', 'revoke'],
    text: "The 'Order number' argument is invalid.",
    trigger: '`orderNumber` missing, zero or negative',
  },
  {
    code: -2,
    name: 'ORDER_NUMBER_NOT_FOUND',
    operations: ['getCollectStatus', 'collect', 'revoke'],
    text: 'Order number not found.',
    trigger:
      "an order number never issued, or one belonging to another customer (never -16: another customer's admin does not learn that the order exists)",
  },
  {
    code: -3,
    name: 'INVALID_SERIAL_NUMBER',
    operations: ['revokeBySerialNumber'],
    text: "The 'Serial number' argument is invalid.",
    trigger: '`serialNumber` missing, empty, not hexadecimal, or longer than 40 hex digits (20 bytes, the X.509 limit)',
  },
  {
    code: -4,
    name: 'SERIAL_NUMBER_NOT_FOUND',
    operations: ['revokeBySerialNumber'],
    text: 'Serial number not found.',
    trigger: 'a well-formed serial that no certificate of this customer has',
  },
  {
    code: -5,
    name: 'INVALID_REASON',
    operations: ['revoke', 'revokeBySerialNumber'],
    text: "The 'reason' argument is invalid.",
    trigger: '`reason` longer than 128 characters',
    note: 'the guide limits reason to 128 characters but names no code for it',
  },
  {
    code: -7,
    name: 'INVALID_COUNTRY',
    operations: ENROLLS,
    text: 'Country is not a valid ISO-3166 country!',
    trigger: 'a CSR whose subject C is not an ISO 3166-1 alpha-2 code (fixtures/csr/bad-country.csr)',
  },
  {
    code: -9,
    name: 'CSR_NOT_BASE64',
    operations: ENROLLS,
    text: 'The CSR is not valid Base-64 data!',
    trigger: '`csr` missing, empty, not base64 inside (or without) its PEM lines, or longer than 32767 characters',
    note: "the guide's 32767-character limit is on the argument's text, PEM lines and line breaks included: a longer text is refused as text, before anything is decoded (a valid request sent with less padding is issued; -10 would say its DER was read and failed)",
  },
  {
    code: -10,
    name: 'CSR_CANNOT_BE_DECODED',
    operations: ENROLLS,
    text: 'The CSR cannot be decoded!',
    trigger: 'base64 that is not a PKCS#10 request (truncated DER, a certificate instead of a CSR)',
  },
  {
    code: -11,
    name: 'CSR_UNSUPPORTED_ALGORITHM',
    operations: ENROLLS,
    text: 'The CSR uses an unsupported algorithm!',
    trigger: 'a CSR whose key is not rsaEncryption: EC, DSA, Ed25519, RSA-PSS (fixtures/csr/ec-p256.csr ...)',
  },
  {
    code: -12,
    name: 'CSR_INVALID_SIGNATURE',
    operations: ENROLLS,
    text: 'The CSR has an invalid signature!',
    trigger: 'a CSR whose self-signature does not verify (fixtures/csr/bad-signature.csr)',
  },
  {
    code: -13,
    name: 'CSR_UNSUPPORTED_KEY_SIZE',
    operations: ENROLLS,
    text: 'The CSR uses an unsupported key size!',
    trigger:
      'an RSA key under 2048 or over 8192 bits, or not a whole number of bytes (fixtures/csr/rsa-512.csr, fixtures/csr/rsa-2052.csr, fixtures/csr/rsa-8200.csr)',
    note: "the guide (2017) allows 512..8192 bits; the S/MIME Baseline Requirements every certificate is issued under today (SBR 6.1.5) start at 2048 bits, in whole bytes, and the vendor's REST API has a code of its own for a key under the minimum size",
  },
  {
    code: -14,
    name: 'UNKNOWN_ERROR',
    operations: AUTHED,
    text: 'An unknown error occurred!',
    trigger: 'fault injection (`POST /admin/api/faults`), or the `+fail14` email tag for calls about that order',
    // +fail14 acts only where an order is looked up by number or serial (the tag table in server/domain/lifecycle.ts)
    triggerByOperation: {
      enroll: ENROLL_FAIL14,
      enrollUsingKUTemplates: ENROLL_FAIL14,
      revokeAllByPerson:
        "fault injection (`POST /admin/api/faults`); a person's `+fail14` orders are revoked as usual (the tag acts on calls naming the order)",
    },
  },
  {
    code: -16,
    name: 'PERMISSION_DENIED',
    operations: [...ORDER_OPS, 'revokeBySerialNumber', 'revokeAllByPerson', ...ENROLLS],
    text: 'Permission denied!',
    trigger:
      "an admin of the same customer who may not act for the order's organization (`second-admin` on a Sandbox Org order)",
    triggerByOperation: {
      enroll:
        'an admin of the same customer who may not act for the organization `orgId` names (`second-admin` enrolling into org 1001)',
      enrollUsingKUTemplates:
        'an admin of the same customer who may not act for the organization `orgId` names (`second-admin` enrolling into org 1001)',
      revokeAllByPerson:
        'an admin of the same customer who may not act for the organization named in `org` (`second-admin` naming `Sandbox Org`)',
    },
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
    trigger: 'a rejected order: `alice+reject@example.com`, or `POST /admin/api/orders/{n}/reject`',
    triggerByOperation: { revokeAllByPerson: 'a person whose only orders are rejected (`alice+reject@example.com`)' },
    note: 'getCollectStatus: the guide\'s history adds REJECTED "(See 2.2.2)", the getCollectStatus section, but its table omits it; answering 0 would make clients poll a rejected order forever. revokeAllByPerson answers it when nothing of the person\'s is valid, none being issued and none revoked',
  },
  {
    code: -21,
    name: 'REVOKED',
    operations: ['collect', 'revoke', 'revokeBySerialNumber', 'revokeAllByPerson', 'getCollectStatus'],
    text: 'The certificate has been revoked!',
    trigger: 'collect, query or revoke a revoked certificate',
    triggerByOperation: {
      revokeAllByPerson:
        'a person whose certificates are all revoked already (a second revokeAllByPerson), none being issued',
    },
    note: 'getCollectStatus answers what collect would: a revoked certificate is no longer "available". revokeAllByPerson answers it when it revoked nothing because the person\'s certificates are revoked already, as a second revoke of one order does',
  },
  {
    code: -22,
    name: 'AWAITING_PAYMENT',
    operations: ['collect'],
    text: 'Still awaiting payment!',
    trigger: '`alice+payment@example.com` until `POST /admin/api/orders/{n}/pay`',
  },
  {
    code: -26,
    name: 'BEING_ISSUED',
    operations: ['revoke', 'revokeAllByPerson'],
    text: 'The certificate is currently being Issued!',
    trigger: 'revoke an order that is not issued yet: `alice+issuing@example.com`, or any order still processing',
    triggerByOperation: {
      revokeAllByPerson: 'a person with no valid certificate and an order not issued yet (`alice+issuing@example.com`)',
    },
    note: "revokeAllByPerson answers it when it revoked nothing and one of the person's orders is still on its way: a later call can revoke it (a person with a valid certificate gets 0, the pending order untouched)",
  },
  {
    code: -30,
    name: 'INVALID_USERNAME',
    operations: ENROLLS,
    text: "The 'username' argument is invalid.",
    trigger:
      "`username` missing, blank, only '.', '-' and spaces, longer than 64 characters, or (sponsor- and individual-validated organizations, where it names the subject) a mailbox address other than the enrolled `email`",
    note: 'the guide limits username to 64 characters but names no code for it; the username becomes the subject, which the S/MIME Baseline Requirements (7.1.4.2) keep free of metadata-only values and of mailbox addresses nobody validated',
  },
  {
    code: -31,
    name: 'INVALID_EMAIL',
    operations: [...ENROLLS, 'revokeAllByPerson'],
    text: "The 'E-Mail' argument is invalid!",
    trigger: '`email` missing, not an address, or longer than 128 characters',
    note: "the guide requires a valid address of at most 128 characters but names no code; -31 is the SSL sibling service's code for an invalid e-mail",
  },
  {
    code: -32,
    name: 'INVALID_ORG_OR_DEPARTMENT',
    operations: ['revokeAllByPerson'],
    text: "The 'org' or 'dep' argument is invalid.",
    trigger:
      "`org` missing or not the name of one of the customer's organizations, `dep` not one of its departments, or either over 128 characters",
    note: 'the guide names no code for an unknown organization or department',
  },
  {
    code: -100,
    name: 'INVALID_AUTH_DATA',
    operations: AUTHED,
    text: 'Invalid auth data!',
    trigger: 'authData missing, unknown customerLoginUri, unknown login or wrong password',
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
    trigger:
      'the order\'s organization is suspended (`PATCH /admin/api/orgs/{orgId}` `{"suspended": true}` for an org that has orders; org 1004 is suspended in the fixture, so it has none)',
    triggerByOperation: {
      enroll: ENROLL_ORG_AUTH,
      enrollUsingKUTemplates: ENROLL_ORG_AUTH,
      revokeAllByPerson:
        'the organization named in `org` is suspended (`Suspended Org`, org 1004 in the fixture, or `PATCH /admin/api/orgs/{orgId}` `{"suspended": true}`)',
    },
  },
  {
    code: -111,
    name: 'DOMAIN_NOT_ALLOWED',
    operations: ENROLLS,
    text: 'Domain is not allowed for Organization',
    trigger: "an email whose domain is not one of the organization's (`bob@example.net` in Sandbox Org)",
    note: "enroll: only enrollUsingKUTemplates' table (2.1.7) lists -111, enroll's (2.1.1.2) does not; but 2.1.1.1 says the email's domain \"should match\" the organization's for enroll too, and ccm-mock refuses it the same way",
  },
  {
    code: -112,
    name: 'TEMPLATE_NOT_ALLOWED_FOR_CUSTOMER',
    operations: ['enrollUsingKUTemplates'],
    text: 'KU/EKU template is not allowed for customer',
    trigger: 'a kuTemplate shortName the customer does not have (`no-such-template`)',
  },
  {
    code: -113,
    name: 'TEMPLATE_RETIRED',
    operations: ['enrollUsingKUTemplates'],
    text: 'KU/EKU template is not allowed any more',
    trigger: 'a retired template (`legacy-smime` in the default fixture)',
  },
  {
    code: -114,
    name: 'TEMPLATE_NOT_AVAILABLE_FOR_ORG',
    operations: ['enrollUsingKUTemplates'],
    text: 'KU/EKU template is not available for Organization',
    trigger: 'a customer template the organization is not given (`smime-signing-encryption` in Sandbox Org)',
  },
  {
    code: -120,
    name: 'CUSTOMER_CONFIGURATION_FORBIDS',
    operations: AUTHED,
    text: 'Customer configuration is not allowed the desired action',
    trigger:
      'an operation listed in the customer\'s or organization\'s `forbiddenOperations` (customer `readonly`, org 1003 "No-API Org")',
  },
] as const satisfies readonly StatusCodeEntry[];

export const STATUS_CODES: readonly StatusCodeEntry[] = CATALOG;

type CatalogEntry = (typeof CATALOG)[number];

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

/** The catalog's text for a code as a given operation documents it. */
export function statusTrigger(code: number, operation: OperationName): string {
  const entry = byCode.get(code);
  return (entry && (entry.triggerByOperation?.[operation] ?? entry.trigger)) ?? '';
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
