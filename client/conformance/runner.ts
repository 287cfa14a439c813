import { randomBytes } from 'node:crypto';
import { DEFAULT_NAMESPACE } from '../../wsdl/contract.js';
import { Status } from '../../wsdl/status-codes.js';
import type { AuthData } from '../../wsdl/types.js';
import { SchemaValidator } from '../../wsdl/validator.js';
import { CcmClient } from '../client.js';
import { generateKeyAndCsr } from '../csr.js';
import { CcmError, CcmStatusError } from '../errors.js';
import type { SoapExchange } from '../soap.js';
import type { BackoffOptions } from '../wait.js';
import {
  checkApi,
  CheckFailure,
  CheckSkipped,
  type AnyCheck,
  type CheckApi,
  type CheckContext,
  type CheckTag,
  type CreatedOrder,
} from './check.js';
import { ISSUING_CHECKS } from './checks-issuing.js';
import { MOCK_ONLY_CHECKS } from './checks-mock-only.js';
import { READ_ONLY_CHECKS } from './checks-read-only.js';
import { REST_CHECKS } from './checks-rest.js';
import type { DriftItem } from './drift.js';
import { RecordingClient } from './recording-client.js';
import { restSession } from './rest-session.js';
import { cleanUpOrders, type RunState, type Session } from './session.js';
import { fetchWsdl, type FetchedWsdl } from './wsdl-fetch.js';

/**
 * Runs the conformance checks of one API against one endpoint. Read-only checks always run; the others only
 * when their tags are allowed. Every answer a check receives is also checked against the contract (SOAP:
 * schema-valid, HTTP 200 for answers and 500 for faults, text/xml; REST: the drift the client reports - fields,
 * statuses, codes, JSON error bodies). At the end, orders the run created are revoked when --allow-revoke
 * permits it, and only those.
 */

export const ALL_CHECKS: readonly AnyCheck[] = [
  ...READ_ONLY_CHECKS,
  ...ISSUING_CHECKS,
  ...MOCK_ONLY_CHECKS,
  ...REST_CHECKS,
];

export { checkApi };

/** The checks of one API, in run order. */
export const checksFor = (api: CheckApi): AnyCheck[] => ALL_CHECKS.filter((c) => checkApi(c) === api);

export interface ConformanceOptions {
  /** the API to check (default soap): the SOAP checks against an EPKIManager endpoint, or the REST ones */
  api?: CheckApi;
  /** SOAP: the EPKIManager endpoint; REST: the API's base URL (.../api) */
  endpoint: string;
  /** SOAP: targetNamespace to call with; default: the one the endpoint's WSDL declares */
  namespace?: string;
  /** the admin's login (REST sends customerLoginUri as the customerUri header) */
  auth: AuthData;
  orgId?: number;
  /** SOAP: the organization's secret key */
  secretKey?: string;
  /** the organization's e-mail domain: test certificates are enrolled for ccm-conformance-<run>-<check>@<domain> */
  emailDomain?: string;
  /** SOAP: the organization's name, for revokeAllByPerson */
  orgName?: string;
  /** REST: the certificate profile (id) and term (days) to enroll with; default: the organization's first */
  certType?: number;
  term?: number;
  allowIssue?: boolean;
  allowRevoke?: boolean;
  allowMockOnly?: boolean;
  /** run only these checks (by name) */
  only?: readonly string[];
  /** use this CSR for every enrollment instead of generating a key per enrollment */
  csr?: string;
  /** how long to wait for one certificate, ms (default 5 minutes) */
  waitTimeoutMs?: number;
  backoff?: BackoffOptions;
  requestTimeoutMs?: number;
  /** revoke what the run created at the end, when allowRevoke (default true) */
  cleanup?: boolean;
  /**
   * stops the run: the check in progress is cut short (its waits and requests too), the rest are not run, and
   * the cleanup still revokes what the run created (when allowed); the report then says `interrupted`
   */
  signal?: AbortSignal;
  fetch?: typeof fetch;
  runId?: string;
  onCheckStart?: (check: AnyCheck, index: number, total: number) => void;
  onCheckEnd?: (result: CheckResult, index: number, total: number) => void;
}

export type CheckStatus = 'passed' | 'failed' | 'error' | 'skipped';

export interface CheckResult {
  name: string;
  title: string;
  api: CheckApi;
  tags: readonly CheckTag[];
  guide: string;
  status: CheckStatus;
  durationMs: number;
  message?: string;
  details: string[];
  drift?: DriftItem[];
}

export interface ConformanceReport {
  tool: 'ccm conformance';
  api: CheckApi;
  endpoint: string;
  /** SOAP: the namespace the checks called with, and where it came from */
  namespace?: string;
  namespaceSource?: 'option' | 'wsdl' | 'default';
  runId: string;
  startedAt: string;
  durationMs: number;
  allowed: Record<CheckTag, boolean>;
  results: CheckResult[];
  created: CreatedOrder[];
  summary: { total: number; passed: number; failed: number; error: number; skipped: number };
  /** the signal fired during the run: the check then running was cut short, later ones were not run (the cleanup still ran) */
  interrupted: boolean;
  /** every check that ran passed (skipped checks do not count against it), and the run was not interrupted */
  ok: boolean;
}

export class ConformanceConfigError extends Error {}

/** the message of a check the interrupted run did not get to */
export const NOT_RUN = 'not run: interrupted';

const FLAG_FOR: Record<CheckTag, string> = {
  'read-only': '',
  'issues-certificate': '--allow-issue',
  revokes: '--allow-revoke',
  'mock-only': '--allow-mock-only',
};

const CONFIG_NAMES: Partial<Record<keyof ConformanceOptions, string>> = {
  orgId: '--org-id / CCM_ORG_ID',
  secretKey: '--secret-key / CCM_SECRET_KEY',
  emailDomain: '--email-domain / CCM_EMAIL_DOMAIN',
  orgName: '--org-name / CCM_ORG_NAME',
};

function runState(options: ConformanceOptions): RunState {
  const runId = options.runId ?? randomBytes(4).toString('hex');
  const baseFetch = options.fetch ?? globalThis.fetch;
  const requestTimeoutMs = options.requestTimeoutMs ?? 60_000;
  const { signal } = options;
  // every request of the checks stops when the run is interrupted (the cleanup's do not)
  const checksFetch: typeof fetch = signal
    ? (input, init) =>
        baseFetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal })
    : baseFetch;
  const state: RunState = {
    options,
    runId,
    requestTimeoutMs,
    checksFetch,
    // the kit's own HTTP (the WSDL, raw requests) gets the same per-request timeout as the client's calls
    fetch: (input, init) =>
      checksFetch(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(requestTimeoutMs) }),
    baseFetch,
    created: [],
    // every order any enroll creates is recorded here, whatever path the check took
    recorder: {
      created(orderNumber, email, backendCertId) {
        if (state.created.some((o) => o.orderNumber === orderNumber)) return;
        state.created.push({
          orderNumber,
          ...(backendCertId !== undefined ? { backendCertId } : {}),
          email,
          check: state.current?.name ?? '',
          revoked: false,
        });
      },
      lost(email, error) {
        state.current?.details.push(
          `${error.operation}'s answer for ${email} never came (${error.message}): it may have created an order this run could not record`,
        );
      },
    },
    email: (label) => `ccm-conformance-${runId}-${label}@${options.emailDomain}`.toLowerCase(),
    csr: async (commonName) => options.csr ?? (await generateKeyAndCsr({ bits: 2048, commonName })).csrPem,
    requireConfig(...keys) {
      const missing = keys.filter((k) => options[k] === undefined || options[k] === '');
      if (missing.length)
        throw new CheckSkipped(`needs ${missing.map((k) => CONFIG_NAMES[k] ?? `--${String(k)}`).join(', ')}`);
    },
  };
  return state;
}

export async function runConformance(options: ConformanceOptions): Promise<ConformanceReport> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const api = options.api ?? 'soap';
  const { signal } = options;
  const allowed: Record<CheckTag, boolean> = {
    'read-only': true,
    'issues-certificate': !!options.allowIssue,
    revokes: !!options.allowRevoke,
    'mock-only': !!options.allowMockOnly,
  };

  const checks = checksFor(api);
  if (options.only) {
    const unknown = options.only.filter((n) => !checks.some((c) => c.name === n));
    if (unknown.length) {
      const other = unknown.filter((n) => ALL_CHECKS.some((c) => c.name === n));
      throw new ConformanceConfigError(
        other.length
          ? `${other.join(', ')} ${other.length > 1 ? 'are checks' : 'is a check'} of the ${api === 'soap' ? 'REST' : 'SOAP'} API (--api ${api === 'soap' ? 'rest' : 'soap'})`
          : `unknown check${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; the ${api.toUpperCase()} checks are: ${checks.map((c) => c.name).join(', ')}`,
      );
    }
  }
  const selected = checks.filter((c) => !options.only || options.only.includes(c.name));

  const state = runState(options);
  const session = api === 'rest' ? restSession(state) : await soapSession(state);

  const results: CheckResult[] = [];
  for (const [index, check] of selected.entries()) {
    const result: CheckResult = {
      name: check.name,
      title: check.title,
      api,
      tags: check.tags,
      guide: check.guide,
      status: 'passed',
      durationMs: 0,
      details: [],
    };
    results.push(result);
    const blocked = check.tags.filter((t) => !allowed[t]);
    if (blocked.length || signal?.aborted) {
      result.status = 'skipped';
      result.message = blocked.length ? `needs ${blocked.map((t) => FLAG_FOR[t]).join(' and ')}` : NOT_RUN;
      options.onCheckEnd?.(result, index, selected.length);
      continue;
    }
    options.onCheckStart?.(check, index, selected.length);
    state.current = result;
    session.findings(); // nothing from before this check counts for it
    const t0 = performance.now();
    try {
      await session.run(check);
    } catch (err) {
      if (err instanceof CheckSkipped) {
        result.status = 'skipped';
        result.message = err.message;
      } else if (err instanceof CheckFailure) {
        result.status = 'failed';
        result.message = err.message;
        result.details.push(...err.details);
      } else {
        result.status = 'error';
        result.message =
          err instanceof CcmError
            ? `${err.name}: ${err.message}`
            : `unexpected ${(err as Error).name ?? 'error'}: ${(err as Error).message ?? String(err)}`;
      }
    }
    if (signal?.aborted && (result.status === 'failed' || result.status === 'error')) {
      // what went wrong is the interruption, not the endpoint
      result.status = 'error';
      result.message = 'interrupted while it ran';
    }
    const { problems, drift } = session.findings();
    if (problems.length) {
      result.details.push(...problems.map((p) => `wire: ${p}`));
      if (result.status === 'passed') {
        result.status = 'failed';
        result.message = `${problems.length} answer${problems.length > 1 ? 's' : ''} not shaped as the contract says`;
      }
    }
    if (drift.length) {
      result.drift = [...(result.drift ?? []), ...drift];
      if (result.status === 'passed') {
        result.status = 'failed';
        result.message = `${drift.length} difference${drift.length > 1 ? 's' : ''} from the REST contract (drift)`;
      }
    }
    result.durationMs = performance.now() - t0;
    state.current = undefined;
    options.onCheckEnd?.(result, index, selected.length);
  }

  const keptBecause = !allowed.revokes
    ? '--allow-revoke not given'
    : options.cleanup === false
      ? '--no-cleanup given'
      : undefined;
  await session.cleanUp(keptBecause);
  // whenever it fired - before a check, during one (even the last, which may still pass) or during the cleanup
  const interrupted = signal?.aborted === true;

  const count = (s: CheckStatus) => results.filter((r) => r.status === s).length;
  const summary = {
    total: results.length,
    passed: count('passed'),
    failed: count('failed'),
    error: count('error'),
    skipped: count('skipped'),
  };
  return {
    tool: 'ccm conformance',
    api,
    endpoint: session.endpoint,
    ...session.describe,
    runId: state.runId,
    startedAt,
    durationMs: performance.now() - started,
    allowed,
    results,
    created: state.created,
    summary,
    interrupted,
    ok: summary.failed === 0 && summary.error === 0 && !interrupted,
  };
}

// ---- SOAP ----

/** Problems of one SOAP answer against the contract, beyond what the client already enforces. */
function wireProblems(exchange: SoapExchange, validator: SchemaValidator): string[] {
  if (exchange.responseText === undefined) return [];
  const problems: string[] = [];
  const isFault = /<(\w+:)?Fault[\s>]/.test(exchange.responseText);
  const what = `${exchange.operation} answer`;
  if (!isFault && exchange.httpStatus !== 200) problems.push(`${what}: HTTP ${exchange.httpStatus}, expected 200`);
  if (isFault && exchange.httpStatus !== 500)
    problems.push(`${what}: a SOAP fault with HTTP ${exchange.httpStatus}, expected 500`);
  if (!/^text\/xml\b/i.test(exchange.contentType ?? ''))
    problems.push(`${what}: Content-Type ${exchange.contentType ?? '(none)'}, expected text/xml`);
  for (const p of validator.envelopeProblems(exchange.responseText))
    problems.push(`${what} is not valid against wsdl/EPKIManager.wsdl: ${p}`);
  return problems;
}

async function soapSession(state: RunState): Promise<Session> {
  const { options } = state;
  // the WSDL first: the drift check reads it, and it tells the namespace to call with
  const probe = new CcmClient({ endpoint: options.endpoint, auth: options.auth });
  let wsdl: FetchedWsdl | { error: string };
  try {
    wsdl = await fetchWsdl(probe.wsdlUrl, { fetch: state.fetch });
  } catch (err) {
    wsdl = { error: (err as Error).message };
  }
  const namespaceSource = options.namespace ? 'option' : 'model' in wsdl ? 'wsdl' : 'default';
  const namespace =
    options.namespace ??
    ('model' in wsdl && wsdl.model.targetNamespace ? wsdl.model.targetNamespace : DEFAULT_NAMESPACE);
  const validator = SchemaValidator.forNamespace(namespace);

  let exchanges: SoapExchange[] = [];
  const clientOptions = (auth: AuthData, fetch: typeof globalThis.fetch) => ({
    endpoint: options.endpoint,
    namespace,
    auth,
    orgId: options.orgId,
    secretKey: options.secretKey,
    requestTimeoutMs: state.requestTimeoutMs,
    fetch,
  });
  const clientFor = (auth: AuthData) =>
    new RecordingClient(
      { ...clientOptions(auth, state.checksFetch), onExchange: (e) => exchanges.push(e) },
      state.recorder,
    );
  const client = clientFor(options.auth);
  const ctx: CheckContext = {
    client,
    clientFor,
    auth: options.auth,
    endpoint: client.endpoint,
    namespace,
    wsdl,
    runId: state.runId,
    orgId: options.orgId,
    secretKey: options.secretKey,
    emailDomain: options.emailDomain,
    orgName: options.orgName,
    fetch: state.fetch,
    email: state.email,
    csr: state.csr,
    async enroll(label, request) {
      const email = request.email ?? ctx.email(label);
      const csr = request.csr ?? (await ctx.csr(`ccm conformance ${label}`));
      const orderNumber = await client.enroll({
        username: request.username ?? `ccm conformance ${label}`,
        email,
        csr,
        templates: request.templates,
        orgId: request.orgId,
        secretKey: request.secretKey,
      });
      return { orderNumber, email };
    },
    async collect(orderNumber) {
      const cert = await client.waitForCertificate(orderNumber, {
        timeoutMs: options.waitTimeoutMs ?? 5 * 60_000,
        backoff: options.backoff,
        signal: options.signal,
      });
      const order = state.created.find((o) => o.orderNumber === orderNumber);
      if (order) order.serialNumber = cert.serialNumber;
      return cert;
    },
    markRevoked(orderNumber) {
      const order = state.created.find((o) => o.orderNumber === orderNumber);
      if (order) order.revoked = true;
    },
    note: (line) => state.current?.details.push(line),
    drift: (items) => {
      if (state.current) state.current.drift = items;
    },
    requireConfig: (...keys) => state.requireConfig(...keys),
  };
  const why: Partial<Record<number, string>> = {
    [Status.REJECTED]: 'rejected, nothing to revoke',
    [Status.REVOKED]: 'already revoked',
    [Status.BEING_ISSUED]: 'still being issued (-26): revoke it later',
  };
  return {
    endpoint: client.endpoint,
    describe: { namespace, namespaceSource },
    run: (check) => (check.api === 'rest' ? Promise.reject(new Error('not a SOAP check')) : check.run(ctx)),
    findings() {
      const problems = exchanges.flatMap((e) => wireProblems(e, validator));
      exchanges = [];
      return { problems, drift: [] };
    },
    async cleanUp(keptBecause) {
      // a client without the run's signal: an interrupted run still revokes what it created
      const cleaner = new CcmClient(clientOptions(options.auth, state.baseFetch));
      await cleanUpOrders(
        state.created,
        keptBecause,
        (order) => `ccm revoke ${order.orderNumber}`,
        (order) => cleaner.revoke(order.orderNumber, 'ccm conformance: cleanup of a test certificate'),
        (err) =>
          err instanceof CcmStatusError
            ? {
                cleanup: why[err.code] ?? `revoke answered ${err.code} (${err.meaning})`,
                revoked: err.code === Status.REVOKED,
              }
            : undefined,
      );
    },
  };
}
