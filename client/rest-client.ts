import 'reflect-metadata';
import type { X509Certificate } from '@peculiar/x509';
import { SERVICE_PATH } from '../wsdl/contract.js';
import {
  COLLECT_FORMAT_INFO,
  DEFAULT_COLLECT_FORMAT,
  isCollectFormat,
  REST_BASE_PATH,
  restStatus,
  TOTAL_COUNT_HEADER,
  type CertificateInfo,
  type CertificateListItem,
  type CertificateProfile,
  type CollectFormat,
  type CustomField,
  type EnrollRequest as ContractEnrollRequest,
  type ListQuery,
  type ManualRevokeRequest,
  type PersonCreateRequest,
  type RestOperationName,
  type RestOrganization,
} from '../wsdl/rest/index.js';
import { parseCollectedCertificate, readCertificates, type CollectedCertificate } from './certificate.js';
import { CcmRestStatusError, CcmTransportError } from './errors.js';
import { httpUrl, type CallOptions } from './http.js';
import {
  RestTransport,
  type RestAuth,
  type RestExchange,
  type RestRequest,
  type RestResponse,
} from './rest-transport.js';
import { pollWithBackoff, type PollLoopOptions, type PollProgress } from './wait.js';

/**
 * A typed client for Certificate Manager's REST S/MIME API (`/api/smime/...`, with the organization and person
 * endpoints around it), against the live service and ccm-mock alike. Error bodies become CcmRestStatusError (with
 * the REST catalog's entry), everything else that keeps an answer from arriving CcmTransportError. Every POST
 * (enroll, revoke, renew, replace, person.create) is sent exactly once per call: nothing here retries them.
 * Answers are read leniently (fields the contract lacks are kept, and reported as drift to onExchange).
 */

export interface CcmRestClientOptions {
  /**
   * the API's base URL, e.g. https://cert-manager.com/api: a bare origin gets /api, and an EPKIManager endpoint
   * (.../ws/EPKIManager) the /api of its host
   */
  baseUrl: string;
  /** an admin's login and password, and the customer's URI (the password login's headers) */
  auth: RestAuth;
  /** the organization (or department) enroll uses when the request names none */
  orgId?: number;
  /** per-request timeout, ms (default 60 000; 0 = none) */
  requestTimeoutMs?: number;
  /** extra HTTP headers on every request */
  headers?: Record<string, string>;
  fetch?: typeof fetch;
  /** sees every request/answer pair, with how the answer differs from the contract (`drift`) */
  onExchange?: (exchange: RestExchange) => void;
}

/** enroll's body; orgId defaults to the client's. Optional fields left out are not sent. */
export type RestEnrollRequest = Omit<ContractEnrollRequest, 'orgId'> & { orgId?: number };

/** What enroll and renew answer: orderNumber is "Obsolete" in the docs, backendCertId is what to collect by. */
export interface RestEnrolled {
  orderNumber: number;
  backendCertId: string;
}

export interface RestRevokeOptions {
  /** free text, at most 512 characters */
  reason?: string;
  /** 0 unspecified, 1 keyCompromise, 3 affiliationChanged, 4 superseded, 5 cessationOfOperation */
  reasonCode?: 0 | 1 | 3 | 4 | 5;
}

/** The list filters and paging (size at most 200). */
export type RestListQuery = Partial<ListQuery>;

export interface RestListPage {
  items: CertificateListItem[];
  /** X-Total-Count: how many match in all (undefined when the answer has no such header) */
  total?: number;
}

/** A collect answer: the file as sent, and the certificates in it. */
export interface RestCollected {
  backendCertId: string;
  /** the format asked for (the documented default, base64, when none was) */
  format: CollectFormat;
  contentType: string | null;
  /** from Content-Disposition */
  filename?: string;
  /** the body exactly as it came (DER for `bin`, PEM text otherwise) */
  body: Buffer;
  /** every certificate in it, in the order it has them */
  certificates: X509Certificate[];
  /** the leaf and its chain (leaf first), for the formats that hold a leaf (not x509IO, x509IOR) */
  certificate?: CollectedCertificate;
}

/** One poll of waitForCertificate: -183 while not collectable, or the error that will be retried. */
export interface RestPollEvent extends PollProgress {
  backendCertId: string;
}

export interface RestWaitOptions extends PollLoopOptions {
  /** the format to collect in (default base64) */
  format?: CollectFormat;
  /** (maxConsecutiveErrors: transport errors, HTTP 5xx, -14 and -195 count as transient) */
  onPoll?: (event: RestPollEvent) => void;
}

export interface RestEnrollAndCollectOptions extends RestWaitOptions {
  /** called once the certificate's ids are known, before waiting (keep them: it can be collected later) */
  onEnrolled?: (enrolled: RestEnrolled) => void;
}

/** The codes a collect answers while the certificate may still come: keep polling. */
export const REST_PENDING_CODES: ReadonlySet<number> = new Set(
  (['NOT_COLLECTABLE', 'BEING_PROCESSED', 'NOT_AVAILABLE_NOW'] as const).map((n) => restStatus(n).code),
);
const TRANSIENT_CODES: ReadonlySet<number> = new Set(
  (['UNKNOWN_ERROR', 'CA_UNAVAILABLE'] as const).map((n) => restStatus(n).code),
);

/** A poll failure worth another poll: no usable answer, a server error, -14, -195. */
function isTransient(err: unknown): boolean {
  return (
    err instanceof CcmTransportError ||
    (err instanceof CcmRestStatusError && (err.httpStatus >= 500 || TRANSIENT_CODES.has(err.code)))
  );
}

/** The API's base URL: a bare origin gets /api, an EPKIManager endpoint the /api of its host; no trailing slash. */
export function normalizeRestBaseUrl(url: string): string {
  const u = httpUrl(url);
  if (u.pathname === '' || u.pathname === '/' || u.pathname === SERVICE_PATH) u.pathname = REST_BASE_PATH;
  u.search = '';
  u.hash = '';
  return u.toString().replace(/\/+$/, '');
}

const withSignal = (req: RestRequest, options?: CallOptions): RestRequest =>
  options?.signal ? { ...req, signal: options.signal } : req;

function malformed(operation: RestOperationName, what: string, unsafe = false): CcmTransportError {
  return new CcmTransportError('malformed', `${operation}: ${what}`, operation, { mayHaveReachedService: unsafe });
}

/** enroll's and renew's answer; a numeric backendCertId (the docs have a string) is taken as its digits. */
function enrolledFrom(operation: RestOperationName, json: unknown): RestEnrolled {
  const { orderNumber, backendCertId } = (json ?? {}) as Record<string, unknown>;
  const id = typeof backendCertId === 'number' ? String(backendCertId) : backendCertId;
  if (typeof id !== 'string' || id === '')
    throw malformed(operation, 'the answer has no backendCertId: the request may have been processed', true);
  return { orderNumber: typeof orderNumber === 'number' ? orderNumber : Number(id), backendCertId: id };
}

function filenameOf(disposition: string | null): string | undefined {
  return disposition ? /filename="?([^";]+)"?/i.exec(disposition)?.[1] : undefined;
}

export class CcmRestClient {
  readonly baseUrl: string;
  private readonly transport: RestTransport;

  constructor(private readonly options: CcmRestClientOptions) {
    this.baseUrl = normalizeRestBaseUrl(options.baseUrl);
    this.transport = new RestTransport({
      baseUrl: this.baseUrl,
      auth: options.auth,
      requestTimeoutMs: options.requestTimeoutMs,
      headers: options.headers,
      fetch: options.fetch,
      onExchange: options.onExchange,
    });
  }

  /** One operation as the wire has it: the 2xx answer (status, headers, bytes, JSON), error bodies thrown typed. */
  request(operation: RestOperationName, req?: RestRequest): Promise<RestResponse> {
    return this.transport.request(operation, req);
  }

  private async json<T>(operation: RestOperationName, req: RestRequest, options?: CallOptions): Promise<T> {
    return (await this.transport.request(operation, withSignal(req, options))).json as T;
  }

  // ---- profiles, custom fields, organizations, persons ----

  /** The certificate profiles (ids for enroll's certType, terms in days, key types), or one organization's. */
  listTypes(query: { organizationId?: number } = {}, options?: CallOptions): Promise<CertificateProfile[]> {
    return this.json('smime.listTypes', { query }, options);
  }

  listCustomFields(options?: CallOptions): Promise<CustomField[]> {
    return this.json('smime.listCustomFields', {}, options);
  }

  /** The organizations, with their departments (a department's id is an enroll orgId too). */
  organizations(options?: CallOptions): Promise<RestOrganization[]> {
    return this.json('organization.list', {}, options);
  }

  async personIdByEmail(email: string, options?: CallOptions): Promise<number> {
    const { personId } = (await this.json<{ personId?: unknown }>(
      'person.idByEmail',
      { params: { email } },
      options,
    )) ?? { personId: undefined };
    if (typeof personId !== 'number') throw malformed('person.idByEmail', 'the answer has no numeric personId');
    return personId;
  }

  /** Create a person (201): its id is the last segment of Location. */
  async createPerson(
    person: PersonCreateRequest,
    options?: CallOptions,
  ): Promise<{ personId?: number; location: string | null }> {
    const res = await this.transport.request('person.create', withSignal({ body: person }, options));
    const location = res.headers.get('location');
    const id = location ? /\/(\d+)\/?$/.exec(location)?.[1] : undefined;
    return { location, ...(id ? { personId: Number(id) } : {}) };
  }

  // ---- enroll, collect ----

  /** Request a certificate; answers the ids to collect it by. Sent once. */
  async enroll(request: RestEnrollRequest, options?: CallOptions): Promise<RestEnrolled> {
    const orgId = request.orgId ?? this.options.orgId;
    const body = { ...request, orgId };
    const res = await this.transport.request('smime.enroll', withSignal({ body }, options));
    return enrolledFrom('smime.enroll', res.json);
  }

  /**
   * The certificate in `format` (default base64: PKCS#7, PEM). Not issued yet: CcmRestStatusError -183 (see
   * isPending); revoked: -110 or -192 (the service's choice; ccm-mock's setting restRevokedCollectCode).
   */
  async collect(
    backendCertId: string | number,
    options: CallOptions & { format?: CollectFormat } = {},
  ): Promise<RestCollected> {
    const id = String(backendCertId);
    const res = await this.transport.request(
      'smime.collect',
      withSignal({ params: { backendCertId: id }, query: { format: options.format } }, options),
    );
    const format = options.format ?? DEFAULT_COLLECT_FORMAT;
    const collected: RestCollected = {
      backendCertId: id,
      format,
      contentType: res.headers.get('content-type'),
      body: res.bytes,
      certificates: [],
    };
    const filename = filenameOf(res.headers.get('content-disposition'));
    if (filename) collected.filename = filename;
    const pem = res.bytes.subarray(0, 64).toString('latin1').includes('-----BEGIN');
    const text = pem ? res.bytes.toString('utf8') : res.bytes.toString('base64');
    try {
      collected.certificates = readCertificates(text).certs;
      const info = isCollectFormat(format) ? COLLECT_FORMAT_INFO[format] : undefined;
      if (!info || info.contents.includes('leaf')) collected.certificate = parseCollectedCertificate(text);
    } catch (err) {
      throw new CcmTransportError(
        'malformed',
        `smime.collect: the ${format} answer holds no readable certificate: ${(err as Error).message}`,
        'smime.collect',
        { httpStatus: res.status, bodySnippet: res.bytes.subarray(0, 200).toString('latin1') },
        err,
      );
    }
    return collected;
  }

  // ---- revoke ----

  /** Revoke the certificate of an order (by backendCertId). Sent once. */
  async revokeByOrder(backendCertId: string | number, revoke: RestRevokeOptions = {}, options?: CallOptions) {
    await this.transport.request(
      'smime.revokeByOrder',
      withSignal({ params: { backendCertId: String(backendCertId) }, body: revoke }, options),
    );
  }

  /** Revoke by serial number (hex, with or without colons). Sent once. */
  async revokeBySerial(serialNumber: string, revoke: RestRevokeOptions = {}, options?: CallOptions) {
    await this.transport.request(
      'smime.revokeBySerial',
      withSignal({ params: { serialNumber }, body: revoke }, options),
    );
  }

  /** Revoke every valid certificate of a person. Sent once. */
  async revokeByEmail(request: RestRevokeOptions & { email: string }, options?: CallOptions) {
    await this.transport.request('smime.revokeByEmail', withSignal({ body: request }, options));
  }

  /** Mark a certificate revoked without asking the CA (by certId, or serialNumber and issuer). Sent once. */
  async revokeManual(request: ManualRevokeRequest, options?: CallOptions) {
    await this.transport.request('smime.revokeManual', withSignal({ body: request }, options));
  }

  // ---- lists ----

  /** One page of the certificates matching the filters (v2), with the total. */
  async list(query: RestListQuery = {}, options?: CallOptions): Promise<RestListPage> {
    const res = await this.transport.request('smime.list', withSignal({ query }, options));
    const total = Number(res.headers.get(TOTAL_COUNT_HEADER) ?? NaN);
    return { items: (res.json as CertificateListItem[]) ?? [], ...(Number.isSafeInteger(total) ? { total } : {}) };
  }

  /**
   * Every certificate matching the filters, a page of `pageSize` (at most 200) at a time, as python-cert_manager
   * pages: until a page comes back short, or the total is reached. A service that ignores `position` (the same page
   * again) ends it too.
   */
  async listAll(
    filters: Omit<RestListQuery, 'size' | 'position'> = {},
    options: CallOptions & { pageSize?: number } = {},
  ): Promise<CertificateListItem[]> {
    const size = Math.min(200, Math.max(1, options.pageSize ?? 200));
    const all: CertificateListItem[] = [];
    for (let position = 0; ; position += size) {
      const page = await this.list({ ...filters, size, position }, options);
      if (position > 0 && page.items.length && page.items[0]?.id === all[position - size]?.id) break;
      all.push(...page.items);
      if (page.items.length < size || (page.total !== undefined && all.length >= page.total)) break;
    }
    return all;
  }

  /** How many certificates match the filters (HEAD, X-Total-Count). */
  async count(filters: Omit<RestListQuery, 'size' | 'position'> = {}, options?: CallOptions): Promise<number> {
    const res = await this.transport.request('smime.count', withSignal({ query: filters }, options));
    const total = Number(res.headers.get(TOTAL_COUNT_HEADER) ?? NaN);
    if (!Number.isSafeInteger(total)) throw malformed('smime.count', `the answer has no integer ${TOTAL_COUNT_HEADER}`);
    return total;
  }

  /** A person's certificates, by email. */
  listByPersonEmail(email: string, options?: CallOptions): Promise<CertificateListItem[]> {
    return this.json('smime.listByPersonEmail', { params: { email } }, options);
  }

  listByPersonId(personId: number, options?: CallOptions): Promise<CertificateListItem[]> {
    return this.json('smime.listByPersonId', { params: { personId } }, options);
  }

  /** One certificate's details, by its certificate id (a list item's `id`, not backendCertId). */
  details(id: number, options?: CallOptions): Promise<CertificateInfo> {
    return this.json('smime.details', { params: { id } }, options);
  }

  // ---- renew, replace ----

  /** A new certificate for an issued one's key and parameters. Sent once. */
  async renewByOrder(backendCertId: string | number, options?: CallOptions): Promise<RestEnrolled> {
    const res = await this.transport.request(
      'smime.renewByOrder',
      withSignal({ params: { backendCertId: String(backendCertId) } }, options),
    );
    return enrolledFrom('smime.renewByOrder', res.json);
  }

  async renewBySerial(serial: string, options?: CallOptions): Promise<RestEnrolled> {
    const res = await this.transport.request('smime.renewBySerial', withSignal({ params: { serial } }, options));
    return enrolledFrom('smime.renewBySerial', res.json);
  }

  /** Deprecated by the vendor ("use enroll instead"): a new certificate for a new CSR. Sent once. */
  async replace(
    backendCertId: string | number,
    request: { csr: string; reason?: string; revoke?: boolean },
    options?: CallOptions,
  ): Promise<void> {
    await this.transport.request(
      'smime.replace',
      withSignal({ params: { backendCertId: String(backendCertId) }, body: request }, options),
    );
  }

  // ---- waiting ----

  /**
   * Collect until the certificate is there, with backoff: -183 (and -1400, -109) mean not yet; transient failures
   * are retried a few times; anything else ends the wait. Only collect (a GET) is repeated.
   */
  waitForCertificate(backendCertId: string | number, options: RestWaitOptions = {}): Promise<RestCollected> {
    const id = String(backendCertId);
    const { onPoll } = options;
    return pollWithBackoff<RestCollected>(
      {
        subject: { backendCertId: id },
        operation: 'smime.collect',
        isTransient,
        onPoll: onPoll && ((progress) => onPoll({ backendCertId: id, ...progress })),
        poll: async (signal, answered) => {
          try {
            return { ready: true, value: await this.collect(id, { signal, format: options.format }) };
          } catch (err) {
            if (!(err instanceof CcmRestStatusError) || !REST_PENDING_CODES.has(err.code)) throw err;
            answered(err.code);
            return { ready: false };
          }
        },
      },
      options,
    );
  }

  /** enroll once, then waitForCertificate. Errors after enrollment carry `backendCertId`. */
  async enrollAndCollect(
    request: RestEnrollRequest,
    options: RestEnrollAndCollectOptions = {},
  ): Promise<RestCollected & RestEnrolled> {
    const enrolled = await this.enroll(request, { signal: options.signal });
    options.onEnrolled?.(enrolled);
    const collected = await this.waitForCertificate(enrolled.backendCertId, options);
    return { ...collected, ...enrolled };
  }
}

/** `err` says the certificate is not collectable yet (-183, or -1400 / -109): collect again later. */
export function isPending(err: unknown): err is CcmRestStatusError {
  return err instanceof CcmRestStatusError && REST_PENDING_CODES.has(err.code);
}
