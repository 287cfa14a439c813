import { REST_OPERATIONS, type RestOperationName } from './endpoints.js';

/**
 * The REST API's status-code catalog: every error ccm-mock answers under /api, as the JSON body
 * `{"code": <negative>, "description": "..."}` with its HTTP status. The SOAP API has its own catalog
 * (wsdl/status-codes.ts): the two APIs answer the same situation with different codes (a revoked certificate is
 * -21 over SOAP, -110 over REST), and each front end maps the domain's situation to its own.
 *
 * Descriptions are the vendor's error-code table's ("Certificate Manager 25.5 REST API", with `''` read as `'`)
 * unless `source` says otherwise; `{0}` is filled with the value concerned. Where a pairing of code and situation,
 * or an HTTP status, is not the vendor's own, `note` says why ccm-mock chose it. How to make the mock answer each
 * code is server-side knowledge (server/domain/rest-status-triggers.ts).
 */

export type RestCodeSource =
  /** the vendor's docs give the code and tie it to this use (its error table's text names it, or an example shows it) */
  | 'doc'
  /** a public client or a live log shows it (rest-smime-evidence: python-cert_manager, a live test log) */
  | 'evidence'
  /** the code is in the vendor's table, the pairing with this situation is ccm-mock's choice */
  | 'ccm-mock';

export interface RestStatusEntry {
  /** symbolic name, unique (a code may have more than one entry: -105 and -1 do) */
  name: string;
  code: number;
  /** the HTTP status it is answered with */
  http: 400 | 401 | 403 | 404 | 405 | 413 | 415 | 500 | 503;
  /** the JSON `description`; `{0}` is filled in */
  description: string;
  source: RestCodeSource;
  /** the operations that answer it; empty: any request under /api, before an operation is known */
  operations: readonly RestOperationName[];
  note?: string;
}

const ALL = REST_OPERATIONS;
const BY_ORDER = ['smime.collect', 'smime.revokeByOrder', 'smime.renewByOrder', 'smime.replace'] as const;
const BY_SERIAL_OR_ID = ['smime.revokeBySerial', 'smime.renewBySerial', 'smime.revokeManual', 'smime.details'] as const;
const REVOKES = ['smime.revokeByOrder', 'smime.revokeBySerial', 'smime.revokeByEmail', 'smime.revokeManual'] as const;
const RENEWS = ['smime.renewByOrder', 'smime.renewBySerial', 'smime.replace'] as const;
/** the operations that act on orders, which the accounts' forbiddenOperations can refuse */
const ORDER_ACTIONS = ['smime.enroll', 'smime.collect', ...REVOKES, ...RENEWS] as const;
const WITH_BODY = [
  'smime.enroll',
  'smime.revokeByOrder',
  'smime.revokeBySerial',
  'smime.revokeByEmail',
  'smime.revokeManual',
  'smime.replace',
  'person.create',
] as const;
const LISTS = ['smime.list', 'smime.listV1', 'smime.count'] as const;
const CSR_READERS = ['smime.enroll', 'smime.replace'] as const;

const CATALOG = [
  // ---- who is calling ----
  {
    name: 'UNKNOWN_USER',
    code: -16,
    http: 401,
    description: 'Unknown user',
    source: 'doc',
    operations: ALL,
    note: 'the docs\' example for bad credentials. ccm-mock answers it for every failed login (a header missing, an unknown customerUri or login, a wrong password), so an answer never tells which logins exist; -970 "Incorrect login credentials." is not answered (no source says which failure gets it)',
  },
  {
    name: 'NOT_AUTHORIZED',
    code: -3,
    http: 403,
    description: 'You are not authorized to perform {0}.',
    source: 'ccm-mock',
    operations: ORDER_ACTIONS,
    note: "the customer's or the organization's configuration forbids the operation (the accounts' forbiddenOperations; SOAP answers -120). HTTP 403: the docs name no status",
  },
  {
    name: 'ACCESS_DENIED',
    code: -37,
    http: 403,
    description: 'Access denied.',
    source: 'ccm-mock',
    operations: [...ORDER_ACTIONS, 'smime.details', 'smime.listTypes', 'person.create'],
    note: 'the admin may not act for the organization (SOAP answers -16). HTTP 403: the docs name no status',
  },
  {
    name: 'ORGANIZATION_NOT_ALLOWED',
    code: -1021,
    http: 400,
    description: "This operation cannot be performed for Organization '{0}'.",
    source: 'ccm-mock',
    operations: ORDER_ACTIONS,
    note: 'the organization is suspended (SOAP answers -101)',
  },
  // ---- the request itself ----
  {
    name: 'REQUIRED_FIELD_MISSING',
    code: -7,
    http: 400,
    description: '{0} is required but missing.',
    source: 'doc',
    operations: WITH_BODY,
  },
  {
    name: 'INVALID_FIELD',
    code: -1601,
    http: 400,
    description: "Field '{0}' has invalid value.",
    source: 'doc',
    operations: [
      ...WITH_BODY,
      ...LISTS,
      'smime.listTypes',
      'smime.listByPersonEmail',
      'smime.listByPersonId',
      'smime.details',
      'person.idByEmail',
    ],
    note: 'a field of the wrong type, too long, or not in the form the docs give (an email, a phone number, a reason code of 0, 1, 3, 4, 5), a query or path value likewise; also a person created with an email a person of the customer has already',
  },
  {
    name: 'MALFORMED_REQUEST',
    code: -1,
    http: 400,
    description: 'The request body is not valid JSON: {0}',
    source: 'ccm-mock',
    operations: WITH_BODY,
    note: 'the docs give no code for a body that cannot be read; -1 is their "Unknown error."',
  },
  // ---- enrollment ----
  {
    name: 'ORGANIZATION_NOT_FOUND',
    code: -1023,
    http: 400,
    description: "Organization '{0}' not found.",
    source: 'doc',
    operations: ['smime.enroll', 'smime.listTypes', 'person.create'],
    note: "an orgId (or organizationId) that is none of the customer's organizations or departments",
  },
  {
    name: 'DOMAIN_NOT_ALLOWED',
    code: -1010,
    http: 400,
    description: "Domain '{0}' is not allowed.",
    source: 'ccm-mock',
    operations: ['smime.enroll', 'person.create'],
    note: "an email (or secondary email) whose domain is not one of the organization's (SOAP answers -111)",
  },
  {
    name: 'PROFILE_NOT_FOUND',
    code: -111,
    http: 400,
    description: 'No certificate profile found by id {0}',
    source: 'doc',
    operations: ['smime.enroll'],
  },
  {
    name: 'PROFILE_INVALID',
    code: -172,
    http: 400,
    description: 'The Client Certificate Profile is invalid!',
    source: 'ccm-mock',
    operations: ['smime.enroll'],
    note: 'a profile of the customer that the organization is not given',
  },
  {
    name: 'TERM_INVALID',
    code: -36,
    http: 400,
    description: 'The validity period (term) is invalid for this certificate profile.',
    source: 'doc',
    operations: ['smime.enroll'],
  },
  {
    name: 'MANDATORY_CUSTOM_FIELD',
    code: -62,
    http: 400,
    description: 'Missing mandatory custom field!',
    source: 'doc',
    operations: ['smime.enroll'],
  },
  {
    name: 'CUSTOM_FIELD_NOT_FOUND',
    code: -135,
    http: 400,
    description: 'Custom field cannot be found.',
    source: 'doc',
    operations: ['smime.enroll'],
    note: 'a custom field the customer does not define',
  },
  {
    name: 'CSR_NOT_BASE64',
    code: -9,
    http: 400,
    description: 'The CSR is not valid Base-64 data!',
    source: 'doc',
    operations: CSR_READERS,
  },
  {
    name: 'CSR_DECODING_ERROR',
    code: -10,
    http: 400,
    description: 'Error while decoding CSR.',
    source: 'doc',
    operations: CSR_READERS,
  },
  {
    name: 'CSR_UNSUPPORTED_ALGORITHM',
    code: -11,
    http: 400,
    description: 'The CSR uses an unsupported algorithm!',
    source: 'doc',
    operations: CSR_READERS,
    note: "also a key algorithm the profile's keyTypes do not list",
  },
  {
    name: 'CSR_UNSUPPORTED_KEY_SIZE',
    code: -13,
    http: 400,
    description: 'The CSR uses an unsupported key size!',
    source: 'doc',
    operations: CSR_READERS,
    note: "a key size the test CA refuses (RSA outside 2048..8192 bits: the S/MIME Baseline Requirements' floor, the guide's ceiling)",
  },
  {
    name: 'PROFILE_KEY_SIZE',
    code: -194,
    http: 400,
    description: 'The CSR uses an unsupported key size.',
    source: 'ccm-mock',
    operations: CSR_READERS,
    note: "a key size the profile's keyTypes do not list (the table has two codes for an unsupported size; ccm-mock uses -13 for the CA's limits and -194 for the profile's)",
  },
  {
    name: 'INVALID_CSR',
    code: -138,
    http: 400,
    description: 'Invalid CSR.',
    source: 'ccm-mock',
    operations: CSR_READERS,
    note: "a CSR whose signature does not verify, or whose subject's country is no ISO 3166 code (SOAP answers -12 and -7; the REST table has no codes of their own for them)",
  },
  {
    name: 'QUOTA_REACHED',
    code: -188,
    http: 400,
    description: 'You already have allowed number of valid certificates.',
    source: 'evidence',
    operations: ['smime.enroll'],
    note: "the wording a live service answered (python-cert_manager pull request 39); the docs' table words -188 differently. ccm-mock answers it only by fault injection",
  },
  // ---- orders ----
  {
    name: 'INVALID_ORDER_NUMBER',
    code: -1104,
    http: 400,
    description: 'Invalid order number {0}',
    source: 'doc',
    operations: BY_ORDER,
    note: "a backendCertId that names no order of the customer (another customer's order does not exist for the caller)",
  },
  {
    name: 'CERTIFICATE_NOT_FOUND',
    code: -5101,
    http: 404,
    description: 'Certificate not found. {0}',
    source: 'doc',
    operations: BY_SERIAL_OR_ID,
    note: 'a serial number or certificate id that names no certificate of the customer',
  },
  {
    name: 'UNKNOWN_ERROR',
    code: -14,
    http: 500,
    description: 'Unknown error.',
    source: 'ccm-mock',
    operations: ALL,
    note: "the `+fail14` tag (the next call about the order) and fault injection; the table has the code, HTTP 500 is ccm-mock's",
  },
  {
    name: 'INTERNAL_ERROR',
    code: -2,
    http: 500,
    description: 'Internal error. Please contact Support for details.',
    source: 'doc',
    operations: ALL,
    note: 'anything unexpected in ccm-mock (its log has the details)',
  },
  {
    name: 'CA_UNAVAILABLE',
    code: -195,
    http: 503,
    description: 'CA is not available now. Please try again later.',
    source: 'doc',
    operations: ['smime.enroll', 'smime.collect', ...REVOKES, ...RENEWS],
    note: "only by fault injection; HTTP 503 is ccm-mock's",
  },
  // ---- collect ----
  {
    name: 'NOT_COLLECTABLE',
    code: -183,
    http: 400,
    description: 'Certificate is not collectable.',
    source: 'evidence',
    operations: ['smime.collect'],
    note: "an order not issued yet (processing, awaiting payment, being issued): a live collect of a pending order answered it; python-cert_manager's PendingError and its tests (HTTP 400)",
  },
  {
    name: 'NOT_AVAILABLE',
    code: -169,
    http: 400,
    description: 'Certificate is not available, please contact administrator.',
    source: 'ccm-mock',
    operations: ['smime.collect'],
    note: 'a rejected order: it will never be collectable, so not -183, which clients poll on',
  },
  {
    name: 'REVOKED',
    code: -110,
    http: 400,
    description: 'Certificate has been revoked and cannot be downloaded.',
    source: 'doc',
    operations: ['smime.collect'],
    note: 'a revoked certificate, with the wire profile setting restRevokedCollectCode at its default -110',
  },
  {
    name: 'REVOKED_PYTHON_CERT_MANAGER',
    code: -192,
    http: 400,
    description: 'The Certificate has been revoked!',
    source: 'evidence',
    operations: ['smime.collect'],
    note: "a revoked certificate with restRevokedCollectCode -192: python-cert_manager's RevokedError code, with its test's text (not in the docs' table)",
  },
  {
    name: 'NOT_AVAILABLE_NOW',
    code: -109,
    http: 400,
    description: 'Certificate is not available now, please try again later.',
    source: 'doc',
    operations: ['smime.collect'],
    note: 'only by fault injection',
  },
  {
    name: 'BEING_PROCESSED',
    code: -1400,
    http: 400,
    description: 'The request is being processed by Sectigo.',
    source: 'doc',
    operations: ['smime.collect'],
    note: 'only by fault injection',
  },
  {
    name: 'UNSUPPORTED_FORMAT',
    code: -1450,
    http: 400,
    description: 'Unsupported certificate format specified: {0}',
    source: 'doc',
    operations: ['smime.collect'],
  },
  // ---- revoke ----
  {
    name: 'ONLY_ISSUED_REVOCABLE',
    code: -102,
    http: 400,
    description: 'Only issued certificates could be revoked.',
    source: 'doc',
    operations: ['smime.revokeByOrder', 'smime.revokeManual'],
    note: 'an order not issued yet, or rejected',
  },
  {
    name: 'ALREADY_REVOKED',
    code: -159,
    http: 400,
    description: 'Your certificate already revoked',
    source: 'doc',
    operations: ['smime.revokeByOrder', 'smime.revokeBySerial', 'smime.revokeManual'],
  },
  {
    name: 'NO_VALID_CERTIFICATES',
    code: -1108,
    http: 404,
    description: 'No valid client certificates found for {0}.',
    source: 'doc',
    operations: ['smime.revokeByEmail'],
    note: 'HTTP 404: the Admin OpenAPI answers revoke-by-email of nothing with 404 "Entity not found"',
  },
  // ---- renew, persons ----
  {
    name: 'RENEW_FAILED',
    code: -105,
    http: 400,
    description: 'Error was occurred while renewing cert. Status = {0}',
    source: 'doc',
    operations: RENEWS,
    note: 'the certificate to renew (or replace) is not issued: `{0}` is its state',
  },
  {
    name: 'PERSON_NOT_FOUND',
    code: -105,
    http: 404,
    description: 'Person not found.',
    source: 'doc',
    operations: ['person.idByEmail', 'smime.listByPersonEmail', 'smime.listByPersonId', ...LISTS],
    note: "a person the customer does not have (a list's personId filter likewise); HTTP 404 is ccm-mock's",
  },
  // ---- the HTTP layer, before an operation is known ----
  {
    name: 'NO_SUCH_RESOURCE',
    code: -1,
    http: 404,
    description: 'No such resource: {0}',
    source: 'ccm-mock',
    operations: [],
    note: 'a path under /api that is no endpoint',
  },
  {
    name: 'METHOD_NOT_ALLOWED',
    code: -1,
    http: 405,
    description: 'Method {0} is not allowed here',
    source: 'ccm-mock',
    operations: [],
    note: 'an endpoint asked with another method (the Allow header lists the right ones)',
  },
  {
    name: 'UNSUPPORTED_MEDIA_TYPE',
    code: -1,
    http: 415,
    description: "Content type '{0}' not supported: send application/json",
    source: 'ccm-mock',
    operations: [],
    note: 'a body sent as anything but JSON, or in a charset other than UTF-8',
  },
  {
    name: 'BAD_REQUEST',
    code: -1,
    http: 400,
    description: 'Bad request: {0}',
    source: 'ccm-mock',
    operations: [],
    note: 'a request the HTTP layer cannot read (a path with broken %-encoding, ...)',
  },
  {
    name: 'BODY_TOO_LARGE',
    code: -1,
    http: 413,
    description: 'The request body is larger than {0} bytes',
    source: 'ccm-mock',
    operations: [],
    note: 'the limit is maxBodyBytes',
  },
] as const satisfies readonly RestStatusEntry[];

export const REST_STATUS_CODES: readonly RestStatusEntry[] = CATALOG;

type CatalogEntry = (typeof CATALOG)[number];
export type RestStatusName = CatalogEntry['name'];

const byName = new Map<string, RestStatusEntry>(REST_STATUS_CODES.map((e) => [e.name, e]));

export function restStatus(name: RestStatusName): RestStatusEntry {
  return byName.get(name)!;
}

/** The entries with this code (several for -105 and -1). */
export function restStatusesOf(code: number): RestStatusEntry[] {
  return REST_STATUS_CODES.filter((e) => e.code === code);
}

/** The entry an operation answers `code` with, if the catalog lists the pair. */
export function restStatusFor(code: number, operation: RestOperationName): RestStatusEntry | undefined {
  return REST_STATUS_CODES.find((e) => e.code === code && e.operations.includes(operation));
}

/** A description with `{0}` filled in. */
export function restDescription(entry: RestStatusEntry, value?: string | number): string {
  return entry.description.replace('{0}', value === undefined ? '' : String(value));
}

/** The codes a revoked certificate's collect may answer: the wire profile's restRevokedCollectCode. */
export const REVOKED_COLLECT_CODES = [-110, -192] as const;
export type RevokedCollectCode = (typeof REVOKED_COLLECT_CODES)[number];
export const DEFAULT_REVOKED_COLLECT_CODE: RevokedCollectCode = -110;
