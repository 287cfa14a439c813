import type { z } from 'zod';
import {
  CertificateInfoSchema,
  CertificateListSchema,
  CertificateProfileSchema,
  COLLECT_CONTENT_TYPE,
  CustomFieldSchema,
  EnrollResponseSchema,
  OrganizationListSchema,
  PersonIdSchema,
  REST_AUTH_HEADERS,
  restEndpoint,
  RestErrorSchema,
  restPath,
  TOTAL_COUNT_HEADER,
  type RestMethod,
  type RestOperationName,
} from '../wsdl/rest/index.js';
import type { DriftItem } from './conformance/drift.js';
import { CcmRestStatusError, CcmTransportError } from './errors.js';
import { bodySnippet, requestDeadline, requestFailure } from './http.js';
import { answerDrift } from './rest-drift.js';

/**
 * One exchange with the REST API, driven by the contract (wsdl/rest): the operation's method and path, the login
 * headers, a JSON body. The answer is read leniently, as a client of a live service must: a JSON body is returned
 * as it came, and how it differs from the contract's schema (fields unknown, missing or of another type), from the
 * endpoint's success status, or from the catalog's HTTP status for an error code is reported as drift to
 * onExchange. Every error status with a JSON `{code, description}` body becomes CcmRestStatusError, one without
 * CcmTransportError ('http'). Nothing is retried; a POST is never followed through a redirect.
 */

/** The REST API's login (the vendor's password login headers). */
export interface RestAuth {
  login: string;
  password: string;
  customerUri: string;
}

export interface RestTransportOptions {
  /** the API's base URL, `.../api` */
  baseUrl: string;
  /** a header left undefined is not sent */
  auth: Partial<RestAuth>;
  /** per-request timeout in ms (default 60 s); 0 disables it */
  requestTimeoutMs?: number;
  fetch?: typeof fetch;
  headers?: Record<string, string>;
  onExchange?: (exchange: RestExchange) => void;
}

export interface RestExchange {
  operation: RestOperationName;
  method: RestMethod;
  url: string;
  /** the JSON body sent */
  requestBody?: string;
  httpStatus?: number;
  contentType?: string | null;
  /** the body as text (JSON, an error page); a binary collect answer is left out */
  responseText?: string;
  durationMs: number;
  error?: Error;
  /** how the answer differs from the contract */
  drift: DriftItem[];
}

export interface RestRequest {
  params?: Record<string, string | number>;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  signal?: AbortSignal;
}

export interface RestResponse {
  status: number;
  headers: Headers;
  bytes: Buffer;
  /** the JSON body, for operations that answer JSON */
  json?: unknown;
}

/** Every POST: enroll, revoke, renew, replace, person.create change something and are sent once. */
export function isUnsafe(operation: RestOperationName): boolean {
  return restEndpoint(operation).method === 'POST';
}

/** What each operation answers in its body, as the contract has it (none: no body, or not JSON). */
const RESPONSE_SCHEMAS: Partial<Record<RestOperationName, z.ZodType>> = {
  'smime.listTypes': CertificateProfileSchema.array(),
  'smime.listCustomFields': CustomFieldSchema.array(),
  'smime.enroll': EnrollResponseSchema,
  'smime.list': CertificateListSchema,
  'smime.listV1': CertificateListSchema,
  'smime.listByPersonEmail': CertificateListSchema,
  'smime.listByPersonId': CertificateListSchema,
  'smime.details': CertificateInfoSchema,
  'smime.renewByOrder': EnrollResponseSchema,
  'smime.renewBySerial': EnrollResponseSchema,
  'organization.list': OrganizationListSchema,
  'person.idByEmail': PersonIdSchema,
};

/** Headers a successful answer carries (the docs' examples). */
const ANSWER_HEADERS: Partial<Record<RestOperationName, readonly string[]>> = {
  'smime.list': [TOTAL_COUNT_HEADER],
  'smime.listV1': [TOTAL_COUNT_HEADER],
  'smime.count': [TOTAL_COUNT_HEADER],
  'smime.collect': ['Content-Disposition'],
  'person.create': ['Location'],
};

const mediaType = (contentType: string | null | undefined) => (contentType ?? '').split(';')[0].trim().toLowerCase();
const isJsonType = (contentType: string | null | undefined) =>
  /^application\/([\w.+-]*\+)?json$/.test(mediaType(contentType));

export function trimBaseUrl(url: string): string {
  return url.replace(/\/+$/, '');
}

export class RestTransport {
  readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly opts: RestTransportOptions) {
    this.baseUrl = trimBaseUrl(opts.baseUrl);
    this.fetchImpl = opts.fetch ?? globalThis.fetch;
  }

  /**
   * Send one operation; the answer when it is a 2xx. Throws CcmRestStatusError, CcmTransportError or
   * CcmAbortError; never retries.
   */
  async request(operation: RestOperationName, req: RestRequest = {}): Promise<RestResponse> {
    const endpoint = restEndpoint(operation);
    const url = this.baseUrl + restPath(operation, req.params, req.query);
    const requestBody = req.body === undefined ? undefined : JSON.stringify(req.body);
    const started = performance.now();
    const exchange: RestExchange = { operation, method: endpoint.method, url, requestBody, durationMs: 0, drift: [] };
    const report = (error?: Error) => {
      exchange.durationMs = performance.now() - started;
      exchange.error = error;
      this.opts.onExchange?.(exchange);
    };
    const unsafe = isUnsafe(operation);
    const deadline = requestDeadline(req.signal, this.opts.requestTimeoutMs);
    const headers: Record<string, string> = { Accept: 'application/json' };
    for (const [key, header] of Object.entries(REST_AUTH_HEADERS)) {
      const value = this.opts.auth[key as keyof RestAuth];
      if (value !== undefined) headers[header] = value;
    }
    if (requestBody !== undefined) headers['Content-Type'] = 'application/json';

    let res: Response;
    let bytes: Buffer;
    let sent = false;
    try {
      if (req.signal?.aborted) throw req.signal.reason;
      sent = true;
      res = await this.fetchImpl(url, {
        method: endpoint.method,
        headers: { ...headers, ...this.opts.headers },
        body: requestBody,
        // a POST that a redirect turned into a GET elsewhere would be neither sent nor refused: stop at it
        redirect: unsafe ? 'manual' : 'follow',
        signal: deadline.signal,
      });
      bytes = Buffer.from(await res.arrayBuffer());
    } catch (err) {
      const error = requestFailure({
        operation,
        target: this.baseUrl,
        err,
        userSignal: req.signal,
        deadline,
        unsafe,
        sent,
      });
      report(error);
      throw error;
    }
    const contentType = res.headers.get('content-type');
    exchange.httpStatus = res.status;
    exchange.contentType = contentType;
    if (operation !== 'smime.collect' || res.status >= 300) exchange.responseText = bytes.toString('utf8');

    const transportError = (kind: 'http' | 'malformed', message: string, mayHaveReachedService: boolean) =>
      new CcmTransportError(kind, `${operation}: ${message}`, operation, {
        httpStatus: res.status,
        contentType,
        bodySnippet: bytes.subarray(0, 500).toString('utf8'),
        mayHaveReachedService,
      });

    if (res.status < 200 || res.status >= 300) {
      const error = this.errorAnswer(operation, res, bytes, exchange.drift, req.params?.backendCertId, unsafe);
      report(error);
      throw error;
    }
    if (res.status !== endpoint.success)
      exchange.drift.push({
        aspect: 'status',
        path: `${operation} answer`,
        expected: `HTTP ${endpoint.success}`,
        actual: `HTTP ${res.status}`,
        fix: `change ${operation}'s success status in wsdl/rest/endpoints.ts (and the mock's answer)`,
      });
    for (const name of ANSWER_HEADERS[operation] ?? [])
      if (!res.headers.has(name))
        exchange.drift.push({
          aspect: 'field',
          path: `${operation} answer > ${name} header`,
          expected: 'present',
          actual: '(absent)',
          fix: `the endpoint sends no ${name}: the mock should not rely on it either`,
        });
    const answer: RestResponse = { status: res.status, headers: res.headers, bytes };
    const schema = RESPONSE_SCHEMAS[operation];
    if (operation === 'smime.collect' && mediaType(contentType) !== COLLECT_CONTENT_TYPE)
      exchange.drift.push(contentTypeDrift(operation, COLLECT_CONTENT_TYPE, contentType));
    if (schema) {
      if (!isJsonType(contentType)) exchange.drift.push(contentTypeDrift(operation, 'application/json', contentType));
      try {
        answer.json = JSON.parse(bytes.toString('utf8'));
      } catch {
        const error = transportError(
          'malformed',
          `the answer is not JSON (HTTP ${res.status}, ${contentType ?? 'no Content-Type'}): ${bodySnippet(bytes.toString('utf8'))}`,
          unsafe,
        );
        report(error);
        throw error;
      }
      exchange.drift.push(...answerDrift(operation, schema, answer.json));
    }
    report();
    return answer;
  }

  /** A non-2xx answer as the error to throw; the ways its body and status differ from the contract go to `drift`. */
  private errorAnswer(
    operation: RestOperationName,
    res: Response,
    bytes: Buffer,
    drift: DriftItem[],
    backendCertId: string | number | undefined,
    unsafe: boolean,
  ): CcmRestStatusError | CcmTransportError {
    const text = bytes.toString('utf8');
    const contentType = res.headers.get('content-type');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const code = (body as { code?: unknown } | undefined)?.code;
    if (typeof code !== 'number') {
      drift.push({
        aspect: 'content-type',
        path: `${operation} error body (HTTP ${res.status})`,
        expected: 'application/json {"code": <negative>, "description": "..."}',
        actual: `${contentType ?? 'no Content-Type'}${text.trim() ? `: ${bodySnippet(text, 60)}` : ', empty'}`,
        fix: 'every error of the REST API is a JSON body with a negative code: clients parse it',
      });
      const where =
        res.status >= 300 && res.status < 400 ? ` to ${res.headers.get('location') ?? '(no Location)'}` : '';
      return new CcmTransportError(
        'http',
        `${operation}: HTTP ${res.status} ${res.statusText}${where} from ${this.baseUrl}, not a JSON error body${text.trim() ? `: ${bodySnippet(text)}` : ''}`,
        operation,
        {
          httpStatus: res.status,
          contentType,
          bodySnippet: text.slice(0, 500),
          mayHaveReachedService: unsafe && res.status >= 500,
        },
      );
    }
    const { description, details } = body as { description?: unknown; details?: unknown };
    const error = new CcmRestStatusError(
      code,
      typeof description === 'string' ? description : '',
      res.status,
      operation,
      {
        ...(backendCertId !== undefined ? { backendCertId: String(backendCertId) } : {}),
        ...(typeof details === 'string' ? { details } : {}),
      },
    );
    if (!isJsonType(contentType))
      drift.push(contentTypeDrift(operation, 'application/json', contentType, 'error body'));
    drift.push(...answerDrift(operation, RestErrorSchema, body, 'error body'));
    if (!error.documented)
      drift.push({
        aspect: 'code',
        path: `${operation} error code`,
        expected: "one of the REST catalog's codes for the operation",
        actual: `${code} ${JSON.stringify(description ?? '')}`,
        fix: `add ${code} to wsdl/rest/status-codes.ts for ${operation}, with what makes the service answer it`,
      });
    else if (error.expectedHttpStatus !== res.status)
      drift.push({
        aspect: 'status',
        path: `${operation} error ${code} (${error.status})`,
        expected: `HTTP ${error.expectedHttpStatus}`,
        actual: `HTTP ${res.status}`,
        fix: `set http: ${res.status} on ${error.status} in wsdl/rest/status-codes.ts`,
      });
    return error;
  }
}

function contentTypeDrift(
  operation: RestOperationName,
  expected: string,
  actual: string | null,
  what = 'answer',
): DriftItem {
  return {
    aspect: 'content-type',
    path: `${operation} ${what} Content-Type`,
    expected,
    actual: actual ?? '(absent)',
    fix: `answer ${operation} with the endpoint's Content-Type`,
  };
}
