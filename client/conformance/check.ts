import type { CcmClient } from '../client.js';
import type { CollectedCertificate } from '../certificate.js';
import { CcmError, CcmRestStatusError, CcmStatusError, restCatalogEntry } from '../errors.js';
import type { CcmRestClient, RestCollected, RestEnrolled, RestEnrollRequest } from '../rest-client.js';
import type { RestAuth } from '../rest-transport.js';
import type { OperationName } from '../../wsdl/contract.js';
import type { RestOperationName } from '../../wsdl/rest/index.js';
import { statusText } from '../../wsdl/status-codes.js';
import type { AuthData } from '../../wsdl/types.js';
import type { FetchedWsdl } from './wsdl-fetch.js';
import type { DriftItem } from './drift.js';

/**
 * What a conformance check is and what it may use. Checks are endpoint-agnostic: they talk to the
 * endpoint only through CcmClient or CcmRestClient (and plain HTTP for the WSDL, raw envelopes and
 * malformed REST requests), so the same check runs against ccm-mock and against a live CCM account.
 * A check is of one API: SOAP checks (`api` absent or 'soap') get a CheckContext, REST checks a
 * RestCheckContext.
 */

/**
 * read-only: cannot create or revoke anything (always runs)
 * issues-certificate: may create an order / certificate (--allow-issue)
 * revokes: revokes certificates this run created (--allow-revoke)
 * mock-only: relies on ccm-mock's scripted outcomes (+tags in the e-mail); meaningless live (--allow-mock-only)
 */
export const CHECK_TAGS = ['read-only', 'issues-certificate', 'revokes', 'mock-only'] as const;
export type CheckTag = (typeof CHECK_TAGS)[number];

export type CheckApi = 'soap' | 'rest';

export interface Check {
  api?: 'soap';
  name: string;
  title: string;
  tags: readonly CheckTag[];
  /**
   * the guide section(s) it verifies (CCM S/MIME Enroll API 5.7), or docs/wire-fidelity.md for Metro behaviour;
   * for a REST check, the vendor's REST API documentation (25.5) or the public client it follows
   */
  guide: string;
  run(ctx: CheckContext): Promise<void>;
}

export interface RestCheck extends Omit<Check, 'api' | 'run'> {
  api: 'rest';
  run(ctx: RestCheckContext): Promise<void>;
}

export type AnyCheck = Check | RestCheck;

export const checkApi = (check: Pick<AnyCheck, 'api'>): CheckApi => check.api ?? 'soap';

/** A created order, so the run can clean up what it made (and only that). */
export interface CreatedOrder {
  orderNumber: number;
  /** REST: what the order is collected and revoked by */
  backendCertId?: string;
  email: string;
  check: string;
  serialNumber?: string;
  /** revoked by a check or by the cleanup */
  revoked: boolean;
  cleanup?: string;
}

export interface CheckContext {
  client: CcmClient;
  /** a client as `client`, with other credentials (its answers are checked too) */
  clientFor(auth: AuthData): CcmClient;
  auth: AuthData;
  endpoint: string;
  namespace: string;
  /** the endpoint's WSDL, or why it could not be read */
  wsdl: FetchedWsdl | { error: string };
  runId: string;
  orgId?: number;
  secretKey?: string;
  emailDomain?: string;
  orgName?: string;
  fetch: typeof fetch;
  /** a unique address under the configured domain for this run */
  email(label: string): string;
  /** a PKCS#10 request with an RSA key (fresh, or the configured one) */
  csr(commonName: string): Promise<string>;
  /**
   * enroll (for ctx.email(label) unless `email` is given). Any order created is recorded for cleanup, as it is
   * when a check calls ctx.client.enroll itself.
   */
  enroll(
    label: string,
    request: {
      email?: string;
      templates?: string[];
      csr?: string;
      username?: string;
      orgId?: number;
      secretKey?: string;
    },
  ): Promise<{ orderNumber: number; email: string }>;
  /** wait for and collect a created order */
  collect(orderNumber: number): Promise<CollectedCertificate>;
  markRevoked(orderNumber: number): void;
  /** detail lines shown under the check's row */
  note(line: string): void;
  drift(items: DriftItem[]): void;
  /** the check needs configuration it does not have */
  requireConfig<K extends 'orgId' | 'secretKey' | 'emailDomain' | 'orgName'>(...keys: K[]): void;
}

/** What a REST check may use: as CheckContext, with the REST client and REST's enrollment parameters. */
export interface RestCheckContext {
  client: CcmRestClient;
  /** a client as `client`, with other credentials (its answers are checked too) */
  clientFor(auth: RestAuth): CcmRestClient;
  auth: RestAuth;
  /** the API's base URL (.../api) */
  baseUrl: string;
  runId: string;
  orgId?: number;
  emailDomain?: string;
  /** plain HTTP, for requests no client method sends (malformed ones); the login headers are added */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  email(label: string): string;
  csr(commonName: string): Promise<string>;
  /** the certificate profile and term to enroll with: as configured, else the organization's first profile */
  profile(): Promise<{ certType: number; term: number }>;
  /** enroll (for ctx.email(label) unless `email` is given), with the profile, names and the mandatory custom fields */
  enroll(label: string, request?: Partial<RestEnrollRequest>): Promise<RestEnrolled & { email: string }>;
  /** wait for and collect a created certificate (default format) */
  collect(backendCertId: string): Promise<RestCollected>;
  markRevoked(backendCertId: string): void;
  note(line: string): void;
  requireConfig<K extends 'orgId' | 'emailDomain'>(...keys: K[]): void;
}

export class CheckFailure extends Error {
  constructor(
    message: string,
    readonly details: string[] = [],
  ) {
    super(message);
  }
}

export class CheckSkipped extends Error {}

export function fail(message: string, details: string[] = []): never {
  throw new CheckFailure(message, details);
}

export function expect(condition: unknown, message: string): asserts condition {
  if (!condition) fail(message);
}

/**
 * The call must answer the given negative code (as a CcmStatusError); otherwise the check fails saying what it
 * answered, and why that may be when `explain` has a word for the code it got.
 */
export async function expectCode(
  operation: OperationName,
  code: number,
  call: () => Promise<unknown>,
  explain: Partial<Record<number, string>> = {},
): Promise<void> {
  try {
    const value = await call();
    fail(
      `${operation}: expected ${code} (${statusText(code, operation)}), the call succeeded${value !== undefined ? ` with ${JSON.stringify(value).slice(0, 80)}` : ''}`,
    );
  } catch (err) {
    if (err instanceof CheckFailure) throw err;
    if (err instanceof CcmStatusError) {
      if (err.code === code) return;
      fail(
        `${operation}: expected ${code} (${statusText(code, operation)}), got ${err.code} (${err.meaning})${explain[err.code] ? `: ${explain[err.code]}` : ''}`,
      );
    }
    if (err instanceof CcmError) fail(`${operation}: expected status ${code}, got ${err.name}: ${err.message}`);
    throw err;
  }
}

/** Enroll expecting a refusal; an order that gets created anyway is recorded and named in the failure. */
export async function expectRefusal(
  ctx: CheckContext,
  code: number,
  label: string,
  request: Parameters<CheckContext['enroll']>[1],
  operation: 'enroll' | 'enrollUsingKUTemplates' = 'enroll',
  explain: Partial<Record<number, string>> = {},
): Promise<void> {
  await expectCode(
    operation,
    code,
    async () => {
      const { orderNumber } = await ctx.enroll(label, request);
      return `order ${orderNumber} (recorded for cleanup)`;
    },
    explain,
  );
}

/** The REST catalog's description of a code for an operation, for messages. */
export function restMeaning(operation: RestOperationName, code: number): string {
  return restCatalogEntry(code, operation)?.description.replace('{0}', '…') ?? 'a code the catalog does not list';
}

/**
 * The REST call must answer an error body with the given code; otherwise the check fails saying what it answered,
 * and why that may be when `explain` has a word for the code it got. The HTTP status is the transport's concern
 * (a status other than the catalog's is reported as drift).
 */
export async function expectRestCode(
  operation: RestOperationName,
  code: number,
  call: () => Promise<unknown>,
  explain: Partial<Record<number, string>> = {},
): Promise<CcmRestStatusError> {
  try {
    const value = await call();
    fail(
      `${operation}: expected ${code} (${restMeaning(operation, code)}), the call succeeded${value !== undefined ? ` with ${JSON.stringify(value).slice(0, 80)}` : ''}`,
    );
  } catch (err) {
    if (err instanceof CheckFailure) throw err;
    if (err instanceof CcmRestStatusError) {
      if (err.code === code) return err;
      fail(
        `${operation}: expected ${code} (${restMeaning(operation, code)}), got ${err.code} (HTTP ${err.httpStatus}: ${err.description || err.meaning})${explain[err.code] ? `: ${explain[err.code]}` : ''}`,
      );
    }
    if (err instanceof CcmError) fail(`${operation}: expected ${code}, got ${err.name}: ${err.message}`);
    throw err;
  }
}
