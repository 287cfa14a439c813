import type { CheckResult, ConformanceOptions, ConformanceReport } from './runner.js';
import type { AnyCheck, CreatedOrder } from './check.js';
import type { DriftItem } from './drift.js';
import type { EnrollRecorder } from './recording-client.js';

/** What the runner shares with the session of each API (SOAP in runner.ts, REST in rest-session.ts). */

/** What a run shares with the session of its API: configuration, HTTP, what it created, the check running. */
export interface RunState {
  options: ConformanceOptions;
  runId: string;
  requestTimeoutMs: number;
  /** stops with the run's signal (the checks' requests) */
  checksFetch: typeof fetch;
  /** checksFetch with the per-request timeout (the kit's own HTTP) */
  fetch: typeof fetch;
  /** without the run's signal: the cleanup still runs after an interruption */
  baseFetch: typeof fetch;
  created: CreatedOrder[];
  current?: CheckResult;
  recorder: EnrollRecorder;
  email: (label: string) => string;
  csr: (commonName: string) => Promise<string>;
  requireConfig: (...keys: Array<keyof ConformanceOptions>) => void;
}

/** One API's side of a run. */
export interface Session {
  endpoint: string;
  describe: Pick<ConformanceReport, 'namespace' | 'namespaceSource'>;
  run(check: AnyCheck): Promise<void>;
  /** what the answers since the last call showed that the contract does not allow */
  findings(): { problems: string[]; drift: DriftItem[] };
  /** revoke what the run created; when `keptBecause` says why not, only say what is left */
  cleanUp(keptBecause: string | undefined): Promise<void>;
}

/** Say what is left, or revoke each created order with `revoke`, telling its outcome with `why`. */
export async function cleanUpOrders(
  created: CreatedOrder[],
  keptBecause: string | undefined,
  howToRevoke: (order: CreatedOrder) => string,
  revoke: (order: CreatedOrder) => Promise<void>,
  outcome: (err: unknown, order: CreatedOrder) => { cleanup: string; revoked: boolean } | undefined,
): Promise<void> {
  for (const order of created) {
    if (order.revoked) continue;
    if (keptBecause) {
      order.cleanup = `left as it is (${keptBecause}): revoke it yourself with \`${howToRevoke(order)}\` if it was issued`;
      continue;
    }
    try {
      await revoke(order);
      order.revoked = true;
      order.cleanup = 'revoked';
    } catch (err) {
      const known = outcome(err, order);
      if (known) Object.assign(order, known);
      else order.cleanup = `revoke failed: ${(err as Error).message}`;
    }
  }
}
