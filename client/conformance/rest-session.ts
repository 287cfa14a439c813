import { REST_AUTH_HEADERS, restStatus } from '../../wsdl/rest/index.js';
import { CcmRestClient, normalizeRestBaseUrl } from '../rest-client.js';
import { CcmRestStatusError, CcmTransportError } from '../errors.js';
import type { RestAuth, RestExchange } from '../rest-transport.js';
import type { RestCheckContext } from './check.js';
import type { DriftItem } from './drift.js';
import { RecordingRestClient } from './recording-client.js';
import { cleanUpOrders, type RunState, type Session } from './session.js';

/**
 * The REST side of a conformance run: the checks' context (a recording CcmRestClient, the profile to enroll
 * with, raw HTTP with the login headers), the drift its answers showed, and the cleanup by backendCertId.
 */

const REVOKE_OUTCOMES: Partial<Record<number, { cleanup: string; revoked: boolean }>> = {
  [restStatus('ALREADY_REVOKED').code]: { cleanup: 'already revoked', revoked: true },
  [restStatus('ONLY_ISSUED_REVOCABLE').code]: {
    cleanup: 'not issued (rejected, or still being processed): nothing to revoke now',
    revoked: false,
  },
};

/** Drift items of a check, each said once (a field missing in every answer of a check is one finding). */
function distinct(items: DriftItem[]): DriftItem[] {
  const seen = new Set<string>();
  return items.filter((d) => {
    const key = `${d.aspect} ${d.path} ${d.expected} ${d.actual}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function restSession(state: RunState): Session {
  const { options } = state;
  const baseUrl = normalizeRestBaseUrl(options.endpoint);
  const auth: RestAuth = {
    login: options.auth.login ?? '',
    password: options.auth.password ?? '',
    customerUri: options.auth.customerLoginUri ?? '',
  };
  let exchanges: RestExchange[] = [];
  const clientOptions = (login: RestAuth, fetch: typeof globalThis.fetch) => ({
    baseUrl,
    auth: login,
    orgId: options.orgId,
    requestTimeoutMs: state.requestTimeoutMs,
    fetch,
  });
  const clientFor = (login: RestAuth) =>
    new RecordingRestClient(
      { ...clientOptions(login, state.checksFetch), onExchange: (e) => exchanges.push(e) },
      state.recorder,
    );
  const client = clientFor(auth);
  let profile: Promise<{ certType: number; term: number }> | undefined;

  const ctx: RestCheckContext = {
    client,
    clientFor,
    auth,
    baseUrl,
    runId: state.runId,
    orgId: options.orgId,
    emailDomain: options.emailDomain,
    async fetch(path, init = {}) {
      const headers = new Headers(init.headers);
      for (const [key, header] of Object.entries(REST_AUTH_HEADERS))
        if (!headers.has(header)) headers.set(header, auth[key as keyof RestAuth]);
      try {
        return await state.fetch(baseUrl + path, { ...init, headers });
      } catch (err) {
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        throw new CcmTransportError(
          'network',
          `${init.method ?? 'GET'} ${baseUrl}${path}: no answer (${cause?.code ?? cause?.message ?? (err as Error).message})`,
          undefined,
          {},
          err,
        );
      }
    },
    email: state.email,
    csr: state.csr,
    profile() {
      if (options.certType !== undefined && options.term !== undefined)
        return Promise.resolve({ certType: options.certType, term: options.term });
      profile ??= client.listTypes({ organizationId: options.orgId }).then((profiles) => {
        const chosen = options.certType !== undefined ? profiles.find((p) => p.id === options.certType) : profiles[0];
        if (!chosen)
          throw new Error(
            options.certType !== undefined
              ? `the organization has no certificate profile ${options.certType}`
              : 'the organization has no certificate profile (GET /smime/v1/types)',
          );
        return { certType: chosen.id, term: options.term ?? chosen.terms[0] };
      });
      return profile;
    },
    async enroll(label, request = {}) {
      const email = request.email ?? ctx.email(label);
      const { certType, term } = await ctx.profile();
      const mandatory = (await client.listCustomFields()).filter((f) => f.mandatory);
      const enrolled = await client.enroll({
        csr: request.csr ?? (await ctx.csr(`ccm conformance ${label}`)),
        certType,
        term,
        firstName: 'ccm',
        lastName: `conformance ${label}`,
        ...(mandatory.length
          ? { customFields: mandatory.map((f) => ({ name: f.name, value: `ccm-conformance-${state.runId}` })) }
          : {}),
        ...request,
        email,
      });
      return { ...enrolled, email };
    },
    async collect(backendCertId) {
      const collected = await client.waitForCertificate(backendCertId, {
        timeoutMs: options.waitTimeoutMs ?? 5 * 60_000,
        backoff: options.backoff,
        signal: options.signal,
      });
      const order = state.created.find((o) => o.backendCertId === backendCertId);
      if (order && collected.certificate) order.serialNumber = collected.certificate.serialNumber;
      return collected;
    },
    markRevoked(backendCertId) {
      const order = state.created.find((o) => o.backendCertId === backendCertId);
      if (order) order.revoked = true;
    },
    note: (line) => state.current?.details.push(line),
    requireConfig: (...keys) => state.requireConfig(...keys),
  };

  return {
    endpoint: baseUrl,
    describe: {},
    run: (check) => (check.api === 'rest' ? check.run(ctx) : Promise.reject(new Error('not a REST check'))),
    findings() {
      const drift = distinct(exchanges.flatMap((e) => e.drift));
      exchanges = [];
      return { problems: [], drift };
    },
    async cleanUp(keptBecause) {
      // a client without the run's signal: an interrupted run still revokes what it created
      const cleaner = new CcmRestClient(clientOptions(auth, state.baseFetch));
      await cleanUpOrders(
        state.created,
        keptBecause,
        (order) => `ccm revoke --api rest ${order.backendCertId ?? order.orderNumber}`,
        (order) =>
          cleaner.revokeByOrder(order.backendCertId ?? order.orderNumber, {
            reason: 'ccm conformance: cleanup of a test certificate',
          }),
        (err) =>
          err instanceof CcmRestStatusError
            ? (REVOKE_OUTCOMES[err.code] ?? {
                cleanup: `revoke answered ${err.code} (${err.description || err.meaning})`,
                revoked: false,
              })
            : undefined,
      );
    },
  };
}
