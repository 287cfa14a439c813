import type { OperationName } from '../../wsdl/contract.js';
import { statusEntry, type StatusName } from '../../wsdl/status-codes.js';

/**
 * How to make ccm-mock answer each status code: the admin API, the accounts fixture, the scripted `+tags`,
 * the test CSRs. Mock-only knowledge, so it lives server-side, not in the contract's catalog
 * (wsdl/status-codes.ts, which the client ships); the table in docs/status-codes.md joins the two.
 */

export interface StatusTrigger {
  /** how to get the code from the mock */
  trigger: string;
  /** where it differs per operation */
  byOperation?: Partial<Record<OperationName, string>>;
}

const ENROLL_FAIL14 =
  'fault injection (`POST /admin/api/faults`); an enroll for a `+fail14` address is carried out (the tag acts on the calls about the order)';
const ENROLL_ORG_AUTH =
  'wrong `secretKey` for `orgId` (the accounts fixture holds keys of at most 20 characters, the guide\'s limit, so a longer one is always wrong), unknown `orgId`, or a suspended organization (org 1004 in the fixture, or `PATCH /admin/api/orgs/{orgId}` `{"suspended": true}`)';

const TRIGGERS: Record<StatusName, StatusTrigger> = {
  AVAILABLE: { trigger: 'an issued order (instant by default; see processing delay)' },
  PROCESSING: {
    trigger: 'an order still processing: `alice+pending3@example.com`, or any order during the processing delay',
    byOperation: {
      revoke: 'revoke an issued certificate',
      revokeBySerialNumber: 'revoke an issued certificate by its serial',
      revokeAllByPerson:
        'a valid email, organization and (optional) department: every valid certificate of the person is revoked (orders still being issued are left as they are); also a person with no order at all',
    },
  },
  INVALID_ORDER_NUMBER: { trigger: '`orderNumber` missing, zero or negative' },
  ORDER_NUMBER_NOT_FOUND: {
    trigger:
      "an order number never issued, or one belonging to another customer (never -16: another customer's admin does not learn that the order exists)",
  },
  INVALID_SERIAL_NUMBER: {
    trigger: '`serialNumber` missing, empty, not hexadecimal, or longer than 40 hex digits (20 bytes, the X.509 limit)',
  },
  SERIAL_NUMBER_NOT_FOUND: { trigger: 'a well-formed serial that no certificate of this customer has' },
  INVALID_REASON: { trigger: '`reason` longer than 128 characters' },
  INVALID_COUNTRY: {
    trigger: 'a CSR whose subject C is not an ISO 3166-1 alpha-2 code (fixtures/csr/bad-country.csr)',
  },
  CSR_NOT_BASE64: {
    trigger: '`csr` missing, empty, not base64 inside (or without) its PEM lines, or longer than 32767 characters',
  },
  CSR_CANNOT_BE_DECODED: {
    trigger: 'base64 that is not a PKCS#10 request (truncated DER, a certificate instead of a CSR)',
  },
  CSR_UNSUPPORTED_ALGORITHM: {
    trigger: 'a CSR whose key is not rsaEncryption: EC, DSA, Ed25519, RSA-PSS (fixtures/csr/ec-p256.csr ...)',
  },
  CSR_INVALID_SIGNATURE: { trigger: 'a CSR whose self-signature does not verify (fixtures/csr/bad-signature.csr)' },
  CSR_UNSUPPORTED_KEY_SIZE: {
    trigger:
      'an RSA key under 2048 or over 8192 bits, or not a whole number of bytes (fixtures/csr/rsa-512.csr, fixtures/csr/rsa-2052.csr, fixtures/csr/rsa-8200.csr), or with a public exponent that is even or outside 2^16+1..2^256-1 (fixtures/csr/rsa-2048-e3.csr)',
  },
  // +fail14 acts only where an order is looked up by number or serial (SCRIPT_TAGS in lifecycle.ts)
  UNKNOWN_ERROR: {
    trigger: 'fault injection (`POST /admin/api/faults`), or the `+fail14` email tag for calls about that order',
    byOperation: {
      enroll: ENROLL_FAIL14,
      enrollUsingKUTemplates: ENROLL_FAIL14,
      revokeAllByPerson:
        "fault injection (`POST /admin/api/faults`); a person's `+fail14` orders are revoked as usual (the tag acts on calls naming the order)",
    },
  },
  PERMISSION_DENIED: {
    trigger:
      "an admin of the same customer who may not act for the order's organization (`second-admin` on a Sandbox Org order)",
    byOperation: {
      enroll:
        'an admin of the same customer who may not act for the organization `orgId` names (`second-admin` enrolling into org 1001)',
      enrollUsingKUTemplates:
        'an admin of the same customer who may not act for the organization `orgId` names (`second-admin` enrolling into org 1001)',
      revokeAllByPerson:
        'an admin of the same customer who may not act for the organization named in `org` (`second-admin` naming `Sandbox Org`)',
    },
  },
  REJECTED: {
    trigger: 'a rejected order: `alice+reject@example.com`, or `POST /admin/api/orders/{n}/reject`',
    byOperation: { revokeAllByPerson: 'a person whose only orders are rejected (`alice+reject@example.com`)' },
  },
  REVOKED: {
    trigger: 'collect, query or revoke a revoked certificate',
    byOperation: {
      revokeAllByPerson:
        'a person whose certificates are all revoked already (a second revokeAllByPerson), none being issued',
    },
  },
  AWAITING_PAYMENT: { trigger: '`alice+payment@example.com` until `POST /admin/api/orders/{n}/pay`' },
  BEING_ISSUED: {
    trigger: 'revoke an order that is not issued yet: `alice+issuing@example.com`, or any order still processing',
    byOperation: {
      revokeAllByPerson: 'a person with no valid certificate and an order not issued yet (`alice+issuing@example.com`)',
    },
  },
  INVALID_USERNAME: {
    trigger:
      "`username` missing, blank, only '.', '-' and spaces, longer than 64 characters, or (sponsor- and individual-validated organizations, where it names the subject) a mailbox address other than the enrolled `email`",
  },
  INVALID_EMAIL: { trigger: '`email` missing, not an address, or longer than 128 characters' },
  INVALID_ORG_OR_DEPARTMENT: {
    trigger:
      "`org` missing or not the name of one of the customer's organizations, `dep` not one of its departments, or either over 128 characters",
  },
  INVALID_AUTH_DATA: { trigger: 'authData missing, unknown customerLoginUri, unknown login or wrong password' },
  INVALID_ORG_AUTH: {
    trigger:
      'the order\'s organization is suspended (`PATCH /admin/api/orgs/{orgId}` `{"suspended": true}` for an org that has orders; org 1004 is suspended in the fixture, so it has none)',
    byOperation: {
      enroll: ENROLL_ORG_AUTH,
      enrollUsingKUTemplates: ENROLL_ORG_AUTH,
      revokeAllByPerson:
        'the organization named in `org` is suspended (`Suspended Org`, org 1004 in the fixture, or `PATCH /admin/api/orgs/{orgId}` `{"suspended": true}`)',
    },
  },
  DOMAIN_NOT_ALLOWED: {
    trigger: "an email whose domain is not one of the organization's (`bob@example.net` in Sandbox Org)",
  },
  TEMPLATE_NOT_ALLOWED_FOR_CUSTOMER: {
    trigger: 'a kuTemplate shortName the customer does not have (`no-such-template`)',
  },
  TEMPLATE_RETIRED: { trigger: 'a retired template (`legacy-smime` in the default fixture)' },
  TEMPLATE_NOT_AVAILABLE_FOR_ORG: {
    trigger: 'a customer template the organization is not given (`smime-signing-encryption` in Sandbox Org)',
  },
  CUSTOMER_CONFIGURATION_FORBIDS: {
    trigger:
      'an operation listed in the customer\'s or organization\'s `forbiddenOperations` (customer `readonly`, org 1003 "No-API Org")',
  },
};

/** How to make the mock answer `code` for `operation` ('' for a code the catalog does not have). */
export function statusTrigger(code: number, operation: OperationName): string {
  const entry = statusEntry(code);
  const t = entry && TRIGGERS[entry.name as StatusName];
  return (t && (t.byOperation?.[operation] ?? t.trigger)) ?? '';
}

/** Every trigger text (the docs test checks the paths they cite). */
export function allTriggerTexts(): string[] {
  return Object.values(TRIGGERS).flatMap((t) => [t.trigger, ...Object.values(t.byOperation ?? {})]);
}
