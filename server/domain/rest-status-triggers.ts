import type { RestStatusName } from '../../wsdl/rest/status-codes.js';

/**
 * How to make ccm-mock answer each code of the REST catalog: the login, the accounts fixture, the `+tags`, the
 * test CSRs, the admin API. Mock-only knowledge, kept server-side like SOAP's (status-triggers.ts); docs/rest.md's
 * code table joins it to the catalog (wsdl/rest/status-codes.ts), and test/rest/error-codes.test.ts makes each.
 */

const INJECT =
  'fault injection only: `POST /admin/api/faults` `{"customer": "sandbox", "operation": "smime.collect", "code": ...}`';

export const REST_TRIGGERS: Record<RestStatusName, string> = {
  UNKNOWN_USER: 'a login header missing, an unknown `customerUri` or `login`, or a wrong `password`',
  NOT_AUTHORIZED:
    "an operation the customer's or organization's `forbiddenOperations` lists (customer `readonly`; org 1003 for enroll): enroll, renew and replace count as `enroll`, collect as `collect`, revoke by order or manual as `revoke`, by serial as `revokeBySerialNumber`, by email as `revokeAllByPerson`",
  ACCESS_DENIED: '`second-admin` (may act for org 1002 only) acting on org 1001 or one of its orders',
  ORGANIZATION_NOT_ALLOWED:
    'a suspended organization: org 1004, or `PATCH /admin/api/orgs/{orgId}` `{"suspended": true}` for one with orders',
  REQUIRED_FIELD_MISSING: 'a required field absent or null (`{}` to enroll: orgId)',
  INVALID_FIELD:
    'a field of the wrong type, over its length, not an email or phone number, `reasonCode` 2; a bad query value (`state=sleeping`, `size=0`), a list filter ccm-mock does not apply (`keyAlgorithm`); a person created twice',
  MALFORMED_REQUEST: 'a body that is not JSON, or not a JSON object',
  ORGANIZATION_NOT_FOUND: "an `orgId` (`organizationId`) that is none of the customer's organizations or departments",
  DOMAIN_NOT_ALLOWED: "an email or secondary email outside the organization's `emailDomains` (`bob@example.net`)",
  PROFILE_NOT_FOUND: 'a `certType` that is no profile of the customer (999)',
  PROFILE_INVALID: 'profile 102 in Second Org (1002), which is given 101 only',
  TERM_INVALID: "a `term` not among the profile's `terms` (100)",
  MANDATORY_CUSTOM_FIELD: 'customer `other` without its mandatory custom field `costCenter` (or with it empty)',
  CUSTOM_FIELD_NOT_FOUND: 'a custom field the customer does not define (`shoeSize`)',
  CSR_NOT_BASE64: 'a CSR that is not base64 inside its PEM lines',
  CSR_DECODING_ERROR: 'a certificate instead of a CSR (fixtures/csr/certificate-not-csr.pem)',
  CSR_UNSUPPORTED_ALGORITHM:
    "an EC, DSA or Ed25519 key (fixtures/csr/ec-p256.csr), or a key type the profile's `keyTypes` lack",
  CSR_UNSUPPORTED_KEY_SIZE: 'an RSA key outside 2048..8192 bits (fixtures/csr/rsa-512.csr)',
  PROFILE_KEY_SIZE: "an RSA key size the profile's `keyTypes` do not list (fixtures/csr/rsa-8192.csr)",
  INVALID_CSR: 'fixtures/csr/bad-signature.csr, fixtures/csr/bad-country.csr',
  QUOTA_REACHED: INJECT,
  INVALID_ORDER_NUMBER: "a `backendCertId` of no order of the customer (999, `abc`, another customer's)",
  CERTIFICATE_NOT_FOUND: 'a serial number or certificate `id` of none (a backendCertId passed as the id)',
  UNKNOWN_ERROR: 'the `+fail14` tag (`alice+fail14@example.com`): the next call about the order; or fault injection',
  INTERNAL_ERROR: INJECT,
  CA_UNAVAILABLE: INJECT,
  NOT_COLLECTABLE:
    'an order not issued yet: `alice+pending3@example.com`, `+payment`, `+issuing`, or during the processing delay',
  NOT_AVAILABLE: 'a rejected order: `alice+reject@example.com`, or `POST /admin/api/orders/{n}/reject`',
  REVOKED: 'collect a revoked certificate (restRevokedCollectCode -110, the default)',
  REVOKED_PYTHON_CERT_MANAGER: 'collect a revoked certificate with restRevokedCollectCode -192',
  NOT_AVAILABLE_NOW: INJECT,
  BEING_PROCESSED: INJECT,
  UNSUPPORTED_FORMAT: '`?format=pkcs12`, or a documented name in another case (`X509CO`)',
  ONLY_ISSUED_REVOCABLE: 'revoke an order not issued yet (`+pending5`) or rejected (`+reject`)',
  ALREADY_REVOKED: 'revoke a revoked certificate',
  NO_VALID_CERTIFICATES: 'revoke by the email of a person with no valid certificate',
  RENEW_FAILED: 'renew or replace an order not issued, rejected or revoked',
  PERSON_NOT_FOUND: 'the email or id of no person of the customer',
  NO_SUCH_RESOURCE: '`GET /api/smime/v3/types`',
  METHOD_NOT_ALLOWED: '`PUT /api/smime/v1/enroll`',
  UNSUPPORTED_MEDIA_TYPE:
    'a body sent as `application/x-www-form-urlencoded` (curl -d without `-H "Content-Type: application/json"`)',
  BAD_REQUEST: 'a path with broken %-encoding (`/api/smime/v1/collect/%E0%A4%A`)',
  BODY_TOO_LARGE: 'a body over maxBodyBytes (1 MiB by default)',
};
