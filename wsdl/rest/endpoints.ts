/**
 * The REST S/MIME API's endpoints as ccm-mock serves them and a client calls them: each operation's method, path
 * (under the base URL `.../api`) and what the vendor's documentation ("Certificate Manager 25.5 REST API") or the
 * public clients say of it. The request and response bodies are in schemas.ts, the status codes in
 * status-codes.ts. The operation names are ccm-mock's own (the vendor names none): `service.verb`, distinct from
 * the SOAP operation names, so fault rules and the journal can name either API's operations.
 */

/** The path every REST route lives under; a client's base URL is `http://host:port/api`. */
export const REST_BASE_PATH = '/api';

/** The headers a password login sends (vendor doc, "User Login via Password"). */
export const REST_AUTH_HEADERS = { login: 'login', password: 'password', customerUri: 'customerUri' } as const;

export const REST_OPERATIONS = [
  'smime.listTypes',
  'smime.listCustomFields',
  'smime.enroll',
  'smime.collect',
  'smime.revokeByOrder',
  'smime.revokeBySerial',
  'smime.revokeByEmail',
  'smime.revokeManual',
  'smime.list',
  'smime.listV1',
  'smime.count',
  'smime.listByPersonEmail',
  'smime.listByPersonId',
  'smime.details',
  'smime.renewByOrder',
  'smime.renewBySerial',
  'smime.replace',
  'organization.list',
  'person.idByEmail',
  'person.create',
] as const;
export type RestOperationName = (typeof REST_OPERATIONS)[number];

export function isRestOperationName(name: string): name is RestOperationName {
  return (REST_OPERATIONS as readonly string[]).includes(name);
}

export type RestMethod = 'GET' | 'HEAD' | 'POST';

/** The list filters the docs name that ccm-mock does not apply: a request using one is refused, not ignored. */
export const UNSUPPORTED_LIST_FILTERS = [
  'signatureAlgorithm',
  'keyAlgorithm',
  'keyParam',
  'keyUsage',
  'extendedKeyUsage',
] as const;

/** The filters of the certificate list and count (the docs' names). */
const LIST_FILTERS = [
  'personId',
  'state',
  'certTypeId',
  'serialNumber',
  'backendCertId',
  'email',
  'keyVault',
  ...UNSUPPORTED_LIST_FILTERS,
] as const;

/** Where an endpoint's contract comes from. */
export type EndpointSource =
  /** the vendor's REST API documentation (25.5) */
  | 'doc'
  /** only the public clients (python-cert_manager, the Go client) call it; ccm-mock's shape is its choice */
  | 'evidence';

export interface RestEndpoint {
  operation: RestOperationName;
  method: RestMethod;
  /** under REST_BASE_PATH, with `{name}` for each path parameter */
  path: string;
  /** the query parameters it reads */
  query: readonly string[];
  /** the HTTP status of a successful answer */
  success: 200 | 201 | 204;
  source: EndpointSource;
  summary: string;
}

/** Every endpoint, in the order the docs list them. Routes are matched in this order (a literal before `{id}`). */
export const REST_ENDPOINTS: readonly RestEndpoint[] = [
  {
    operation: 'smime.listTypes',
    method: 'GET',
    path: '/smime/v1/types',
    query: ['organizationId'],
    success: 200,
    source: 'doc',
    summary: 'certificate profiles (id, name, terms in days, key types), all or those of one organization',
  },
  {
    operation: 'smime.listCustomFields',
    method: 'GET',
    path: '/smime/v1/customFields',
    query: [],
    success: 200,
    source: 'doc',
    summary: 'the custom fields an enrollment may (or, when mandatory, must) carry',
  },
  {
    operation: 'smime.enroll',
    method: 'POST',
    path: '/smime/v1/enroll',
    query: [],
    success: 200,
    source: 'doc',
    summary: 'request a certificate; answers {orderNumber, backendCertId}',
  },
  {
    operation: 'smime.collect',
    method: 'GET',
    path: '/smime/v1/collect/{backendCertId}',
    query: ['format'],
    success: 200,
    source: 'doc',
    summary: 'download the issued certificate in a format (default base64: PKCS#7, PEM)',
  },
  {
    operation: 'smime.revokeByOrder',
    method: 'POST',
    path: '/smime/v1/revoke/order/{backendCertId}',
    query: [],
    success: 204,
    source: 'doc',
    summary: 'revoke the certificate of an order; body {reason, reasonCode?}',
  },
  {
    operation: 'smime.revokeBySerial',
    method: 'POST',
    path: '/smime/v1/revoke/serial/{serialNumber}',
    query: [],
    success: 204,
    source: 'doc',
    summary: 'revoke a certificate by its serial number; body {reason, reasonCode?}',
  },
  {
    operation: 'smime.revokeByEmail',
    method: 'POST',
    path: '/smime/v1/revoke',
    query: [],
    success: 204,
    source: 'doc',
    summary: 'revoke every valid certificate of a person; body {email, reason, reasonCode?}',
  },
  {
    operation: 'smime.revokeManual',
    method: 'POST',
    path: '/smime/v1/revoke/manual',
    query: [],
    success: 204,
    source: 'doc',
    summary: 'mark a certificate revoked without asking the CA (it stays off the CRL and OCSP)',
  },
  {
    operation: 'smime.list',
    method: 'GET',
    path: '/smime/v2',
    query: ['size', 'position', ...LIST_FILTERS],
    success: 200,
    source: 'doc',
    summary: 'certificates matching the filters, a page at a time (size, position); X-Total-Count counts them all',
  },
  {
    operation: 'smime.count',
    method: 'HEAD',
    path: '/smime/v2',
    query: LIST_FILTERS,
    success: 200,
    source: 'doc',
    summary: 'the number of certificates matching the filters, in X-Total-Count (no body)',
  },
  {
    operation: 'smime.listV1',
    method: 'GET',
    path: '/smime/v1',
    query: ['size', 'position', 'personId', 'state', 'certTypeId', 'serialNumber', 'backendCertId', 'email'],
    success: 200,
    source: 'evidence',
    summary: "python-cert_manager's SMIME.list(): the v2 list under its older v1 path (undocumented in 25.x)",
  },
  {
    operation: 'smime.listByPersonEmail',
    method: 'GET',
    path: '/smime/v2/byPersonEmail/{email}',
    query: [],
    success: 200,
    source: 'doc',
    summary: "a person's certificates, by the person's email ('@' raw or as %40)",
  },
  {
    operation: 'smime.listByPersonId',
    method: 'GET',
    path: '/smime/v2/byPersonId/{personId}',
    query: [],
    success: 200,
    source: 'doc',
    summary: "a person's certificates, by person id",
  },
  {
    operation: 'smime.renewByOrder',
    method: 'POST',
    path: '/smime/v2/renew/order/{backendCertId}',
    query: [],
    success: 200,
    source: 'doc',
    summary: "a new certificate for an issued one's key and parameters; answers {orderNumber, backendCertId}",
  },
  {
    operation: 'smime.renewBySerial',
    method: 'POST',
    path: '/smime/v2/renew/serial/{serial}',
    query: [],
    success: 200,
    source: 'doc',
    summary: 'renew, the certificate named by its serial number',
  },
  {
    operation: 'smime.replace',
    method: 'POST',
    path: '/smime/v2/replace/order/{backendCertId}',
    query: [],
    success: 204,
    source: 'evidence',
    summary:
      'deprecated ("use enroll instead"): a new certificate for a new CSR with the order\'s parameters, body {csr, reason, revoke}',
  },
  {
    operation: 'smime.details',
    method: 'GET',
    path: '/smime/v1/{id}',
    query: [],
    success: 200,
    source: 'doc',
    summary: "one certificate's details, by its certificate id (the list's `id`, not backendCertId)",
  },
  {
    operation: 'organization.list',
    method: 'GET',
    path: '/organization/v1',
    query: [],
    success: 200,
    source: 'doc',
    summary: 'the organizations with their departments',
  },
  {
    operation: 'person.idByEmail',
    method: 'GET',
    path: '/person/v1/id/byEmail/{email}',
    query: [],
    success: 200,
    source: 'doc',
    summary: "a person's id, by email: {personId}",
  },
  {
    operation: 'person.create',
    method: 'POST',
    path: '/person/v1',
    query: [],
    success: 201,
    source: 'doc',
    summary: 'create a person; 201 with the new person in Location (.../api/person/v1/{id})',
  },
];

const byOperation = new Map(REST_ENDPOINTS.map((e) => [e.operation, e]));

export function restEndpoint(operation: RestOperationName): RestEndpoint {
  return byOperation.get(operation)!;
}

/**
 * An operation's path with its parameters filled in, each URL-encoded (`encodeURIComponent`, so an email's `@`
 * travels as %40), and its query string from the defined values of `query`. Relative to the base URL (`.../api`).
 */
export function restPath(
  operation: RestOperationName,
  params: Record<string, string | number> = {},
  query: Record<string, string | number | boolean | undefined> = {},
): string {
  const path = restEndpoint(operation).path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${operation}: the path parameter ${name} is missing`);
    return encodeURIComponent(String(value));
  });
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) search.set(key, String(value));
  const qs = search.toString();
  return qs ? `${path}?${qs}` : path;
}
