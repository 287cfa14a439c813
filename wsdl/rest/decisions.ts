/**
 * Where the public sources on the REST S/MIME API disagree or are silent, what ccm-mock does: each open question
 * of the evidence, answered as `confirmed` (a source settles it: the vendor's docs, its Admin OpenAPI, a live
 * log), `chosen` (ccm-mock's choice, with the reason; a setting where users may need the other answer) or
 * `not served`. docs/rest.md renders this list; a conformance check against a live endpoint can test the chosen
 * ones.
 */

export type DecisionStatus = 'confirmed' | 'chosen' | 'not served';

export interface RestDecision {
  question: string;
  status: DecisionStatus;
  answer: string;
  /** the CONFIG_KEYS key that switches it, when there is one */
  setting?: string;
}

export const REST_DECISIONS: readonly RestDecision[] = [
  {
    question: 'Collect of a revoked certificate: -110 (the docs) or -192 (python-cert_manager)?',
    status: 'chosen',
    answer:
      'HTTP 400 with -110 "Certificate has been revoked and cannot be downloaded." by default: the vendor\'s own table has it with a text about exactly this download; -192 appears only in python-cert_manager (its RevokedError and a test with the text "The Certificate has been revoked!"), and no live log shows either. Set restRevokedCollectCode to -192 to test code written for python-cert_manager\'s RevokedError.',
    setting: 'restRevokedCollectCode',
  },
  {
    question: 'Which HTTP status goes with which code?',
    status: 'chosen',
    answer:
      "401 for -16 (the docs' example) and 400 for -183 (python-cert_manager's tests) as the sources show; 400 for every other refused request, 403 when the caller may not do it (-3, -37), 404 when the path names something that does not exist (-5101, -105 for a person, -1108 as the Admin OpenAPI answers), 500 for -2 and -14, 503 for -195, and 404, 405, 413, 415 for requests that reach no operation. The catalog gives each code's status.",
  },
  {
    question: 'The default collect format',
    status: 'confirmed',
    answer:
      'base64 (PKCS#7, PEM): the Admin OpenAPI names it the default, and a live collect without a format returned a -----BEGIN PKCS7----- file.',
  },
  {
    question: 'The order of the certificates within x509, pem, x509R, x509IO, x509IOR and pemia',
    status: 'chosen',
    answer:
      'x509 and pem: leaf, intermediate, root; x509R the reverse; x509IO: root, intermediate ("Root/Intermediate(s)"); x509IOR: intermediate, root; pemia: leaf, then its issuer (no root). The docs give the contents, not the order; ccm-mock reads their wording literally.',
  },
  {
    question: "python-cert_manager's GET /smime/v1 list (undocumented in 25.x)",
    status: 'chosen',
    answer:
      "served: the v2 list's answer (same filters, paging and X-Total-Count) under the v1 path, so SMIME.list() works.",
  },
  {
    question: 'POST /smime/v2/replace/order/{id} (deprecated, no documented contract)',
    status: 'chosen',
    answer:
      "python-cert_manager's body {csr, reason, revoke}: a new order with the replaced one's organization, profile, term and person, for the new CSR; the replaced certificate is revoked (reason code 4, superseded) unless revoke is false. 204 without a body, as python-cert_manager's test expects; the new order is in the lists.",
  },
  {
    question: 'reasonCode: a number or a string, required or not?',
    status: 'chosen',
    answer:
      'a number, 0, 1, 3, 4 or 5, as the docs type it (anything else is -1601); optional, as every client omits it: without one the revocation is recorded as 0 (unspecified).',
  },
  {
    question: 'Date formats',
    status: 'confirmed',
    answer:
      "lists' `expires` is yyyy-MM-dd (the docs' example; the Go client parses it so), the details' dates are MM/dd/yyyy (the docs' example). The `dateFormat` query parameter is not read.",
  },
  {
    question: "Collect's Content-Type charset",
    status: 'chosen',
    answer:
      'application/octet-stream without a charset, as the S/MIME example shows (the SSL one adds ;charset=UTF-8); Content-Disposition: attachment; filename="<email with @ and . as _>.<p7b|pem|crt>".',
  },
  {
    question: 'Issuance is asynchronous',
    status: 'confirmed',
    answer:
      "a live enroll's certificate was collectable after about 40 seconds; ccm-mock's processing delay (config delay, 2s-5s by default when serving, per organization, or +delay tags) applies to REST orders as to SOAP ones, and collect answers -183 until it has passed.",
  },
  {
    question: 'Authentication failures: -16 or -970, with which status?',
    status: 'chosen',
    answer:
      'every failed login (a header missing, an unknown customerUri or login, a wrong password) is 401 -16 "Unknown user", the docs\' example for bad credentials; a single answer tells no one which logins exist.',
  },
  {
    question: 'The OAuth (Admin API) host with v2 paths and Bearer tokens; certificate login under /private/api',
    status: 'not served',
    answer: 'out of scope: ccm-mock serves the password login under /api only.',
  },
  {
    question: 'Persons on enroll',
    status: 'chosen',
    answer:
      "an enroll creates the person (by email, per customer) or updates it with the enroll's names, phone, secondary emails, EPPN and UPN; a SOAP enroll creates one too (its username split into first and last name), so persons and their ids exist whichever API enrolled.",
  },
  {
    question: 'Certificate id and backendCertId',
    status: 'confirmed',
    answer:
      "distinct numbers, as in the docs' examples: backendCertId is the order number (as SOAP's orderNumber), `id` (lists, GET /smime/v1/{id}) is the certificate's own. A client passing one for the other gets not-found, as it would live.",
  },
];
