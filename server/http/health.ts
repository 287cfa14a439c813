import express, { type Router } from 'express';
import { contract, OPERATIONS } from '../../wsdl/contract.js';
import type { TestCa } from '../ca/test-ca.js';
import { clockBounds, isoOrNumber, type Clock } from '../domain/clock.js';
import type { OrderStore } from '../store/order-store.js';

/**
 * /healthz: liveness (the process answers HTTP). /readyz: readiness, every named check passing
 * (the CA and the WSDL loaded, the order store readable) and the server not stopping; 503 otherwise.
 * Both answer JSON and take no authentication, so container health checks and load balancers can use them.
 */

export const HEALTH_PATHS = { live: '/healthz', ready: '/readyz' } as const;

/** A check passes by returning; it fails by throwing (the message is reported). */
export type ReadinessCheck = () => void;

export class Readiness {
  private readonly checks = new Map<string, ReadinessCheck>();
  /** set on SIGTERM: /readyz answers 503 while in-flight requests finish */
  stopping = false;

  add(name: string, check: ReadinessCheck): this {
    this.checks.set(name, check);
    return this;
  }

  report(): { ready: boolean; checks: Record<string, string> } {
    const checks: Record<string, string> = {};
    let ready = !this.stopping;
    for (const [name, check] of this.checks) {
      try {
        check();
        checks[name] = 'ok';
      } catch (err) {
        checks[name] = (err as Error).message || 'failed';
        ready = false;
      }
    }
    return { ready, checks };
  }
}

export function healthRoutes(readiness: Readiness): Router {
  const router = express.Router();
  router.get(HEALTH_PATHS.live, (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });
  router.get(HEALTH_PATHS.ready, (_req, res) => {
    const { ready, checks } = readiness.report();
    const status = ready ? 'ready' : readiness.stopping ? 'stopping' : 'not ready';
    res
      .set('Cache-Control', 'no-store')
      .status(ready ? 200 : 503)
      .json({ status, checks });
  });
  return router;
}

/**
 * The mock's own checks: its CA (with the issuing key), the WSDL contract, a read from the order store, and
 * its clock inside the issuing CA's validity (else every enroll would fail).
 */
export function mockReadiness(parts: { ca: TestCa; store: OrderStore; clock: Clock }): Readiness {
  return new Readiness()
    .add('ca', () => {
      if (!parts.ca.issuing.key || !parts.ca.root.x509) throw new Error('the test CA is not loaded');
    })
    .add('wsdl', () => {
      if (contract.operations.size !== OPERATIONS.length) throw new Error('the WSDL contract is not loaded');
    })
    .add('store', () => {
      parts.store.maxOrderNumber();
    })
    .add('clock', () => {
      const now = parts.clock.now();
      const { from, to } = clockBounds(parts.ca);
      if (!(now >= from && now <= to))
        throw new Error(
          `the mock's clock reads ${isoOrNumber(now)}, outside the issuing CA's validity (${isoOrNumber(from)} to ${isoOrNumber(to)}): set it with POST /admin/api/clock {"now": "..."}, or restart with --clock-reset`,
        );
    });
}
