import express, { type NextFunction, type Request, type Response } from 'express';
import { isManualAction } from '../domain/order-actions.js';
import type { OrderState } from '../domain/orders.js';
import { AdminError, type MockAdmin } from './admin.js';
import { tokenGuard } from './auth.js';

/**
 * The admin JSON API under /admin/api: a thin HTTP layer over MockAdmin. Errors are JSON
 * `{"error": "...", "status": n}`: 400 bad input, 401 token, 404 unknown order/route, 409 transition refused.
 */

export const ADMIN_API = '/admin/api';

/** Every route, for GET /admin/api and the table in docs/admin.md. */
export const ADMIN_ROUTES = [
  ['GET', '/admin/api', 'this list'],
  ['GET', '/admin/api/info', 'seed, clock, default delay, CA downloads, queued faults, organizations'],
  [
    'GET',
    '/admin/api/orders',
    'orders, newest first; ?customer= &org= (orgId) &email= (the whole address, any case) &state= &limit= (default 100) &offset=',
  ],
  ['GET', '/admin/api/orders/{orderNumber}', 'one order with its certificate and state history'],
  ['GET', '/admin/api/orders/{orderNumber}/certificate', 'the issued certificate, PEM'],
  [
    'POST',
    '/admin/api/orders/{orderNumber}/approve',
    'processing -> issued (or awaiting payment / being issued, when scripted)',
  ],
  ['POST', '/admin/api/orders/{orderNumber}/reject', 'processing or awaiting payment -> rejected'],
  ['POST', '/admin/api/orders/{orderNumber}/pay', 'awaiting payment -> being issued -> issued'],
  ['POST', '/admin/api/orders/{orderNumber}/issue', 'processing, awaiting payment or being issued -> issued'],
  ['POST', '/admin/api/orders/{orderNumber}/revoke', 'issued -> revoked; body {"reason": "..."}'],
  ['GET', '/admin/api/faults', 'queued faults; ?customer='],
  ['POST', '/admin/api/faults', 'queue a fault (body: a fault spec)'],
  ['DELETE', '/admin/api/faults', 'clear faults: all, ?customer=, or ?id='],
  ['GET', '/admin/api/clock', "the mock's time"],
  ['POST', '/admin/api/clock/advance', 'move the clock forward; body {"by": "90s"} or {"ms": 90000}'],
  ['GET', '/admin/api/journal', 'SOAP calls answered; ?customer= &operation= &order= &since= &limit='],
  ['GET', '/admin/api/orgs', 'organizations with their suspension and delay'],
  ['PATCH', '/admin/api/orgs/{orgId}', 'body {"suspended": true|false|null, "delay": "5s"|null}'],
  [
    'POST',
    '/admin/api/reset',
    'reset all state (body {} or {"seed": "..."}) or one customer\'s ({"customer": "sandbox"})',
  ],
] as const;

function bad(message: string): never {
  throw new AdminError(400, message);
}

function int(value: unknown, name: string, min = 0): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) bad(`${name} must be a whole number >= ${min}, got ${JSON.stringify(value)}`);
  return n;
}

function str(value: unknown, name: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') bad(`${name} must be given once, as text`);
  return value;
}

function orderNumberOf(req: Request): number {
  const n = int(req.params.orderNumber, 'orderNumber', 1);
  return n ?? bad('orderNumber is required');
}

function body(req: Request): Record<string, unknown> {
  const b: unknown = req.body;
  if (b === undefined || b === null || (typeof b === 'object' && !Array.isArray(b) && Object.keys(b).length === 0))
    return {};
  if (typeof b !== 'object' || Array.isArray(b)) bad('the body must be a JSON object');
  return b as Record<string, unknown>;
}

export function adminApi(admin: MockAdmin, token: string | undefined): express.Router {
  const router = express.Router();
  const api = express.Router();
  router.use(
    ADMIN_API,
    tokenGuard(token, 'api'),
    express.json({ limit: '64kb', strict: false, type: () => true }),
    api,
  );

  api.get('/', (_req, res) => {
    res.json({ routes: ADMIN_ROUTES.map(([method, path, what]) => ({ method, path, what })) });
  });
  api.get('/info', (_req, res) => {
    res.json(admin.info());
  });

  api.get('/orders', (req, res) => {
    const q = req.query;
    res.json(
      admin.orders({
        customer: str(q.customer, 'customer'),
        org: int(q.org, 'org', 1),
        email: str(q.email, 'email'),
        state: str(q.state, 'state') as OrderState | undefined,
        limit: int(q.limit, 'limit', 1),
        offset: int(q.offset, 'offset'),
      }),
    );
  });
  api.get('/orders/:orderNumber', (req, res) => {
    res.json(admin.order(orderNumberOf(req)));
  });
  api.get('/orders/:orderNumber/certificate', (req, res) => {
    const order = admin.order(orderNumberOf(req));
    if (!order.certificate)
      throw new AdminError(404, `order ${order.orderNumber} has no certificate (it is ${order.state})`);
    res.type('application/x-pem-file').send(order.certificate.pem);
  });
  api.post('/orders/:orderNumber/:action', (req, res) => {
    const action = req.params.action;
    if (!isManualAction(action))
      throw new AdminError(404, `no action ${action}; use approve, reject, pay, issue or revoke`);
    const b = body(req);
    const text = str(b.reason, 'reason') ?? str(b.note, 'note');
    res.json(admin.act(orderNumberOf(req), action, text));
  });

  api.get('/faults', (req, res) => {
    res.json(admin.faults(str(req.query.customer, 'customer')));
  });
  api.post('/faults', (req, res) => {
    const b: unknown = req.body;
    const specs = Array.isArray(b) ? b : [b];
    res.status(201).json(Array.isArray(b) ? specs.map((s) => admin.queueFault(s)) : admin.queueFault(b));
  });
  api.delete('/faults', (req, res) => {
    const b = body(req);
    const customer = str(req.query.customer, 'customer') ?? str(b.customer, 'customer');
    const id = int(req.query.id, 'id', 1) ?? int(b.id, 'id', 1);
    res.json({
      cleared: admin.clearFaults({
        ...(customer !== undefined ? { customer } : {}),
        ...(id !== undefined ? { id } : {}),
      }),
    });
  });

  api.get('/clock', (_req, res) => {
    res.json(admin.clock());
  });
  api.post('/clock/advance', (req, res) => {
    const b = body(req);
    const by = b.by ?? b.ms;
    if (typeof by !== 'string' && typeof by !== 'number') bad('give {"by": "90s"} (ms, s, m, h, d) or {"ms": 90000}');
    res.json(admin.advanceClock(by));
  });

  api.get('/journal', (req, res) => {
    const q = req.query;
    res.json(
      admin.journal({
        customer: str(q.customer, 'customer'),
        operation: str(q.operation, 'operation'),
        orderNumber: int(q.order, 'order', 1),
        since: int(q.since, 'since'),
        limit: int(q.limit, 'limit', 1),
      }),
    );
  });

  api.get('/orgs', (_req, res) => {
    res.json(admin.organizations());
  });
  api.patch('/orgs/:orgId', (req, res) => {
    res.json(admin.updateOrganization(int(req.params.orgId, 'orgId', 1)!, body(req)));
  });

  api.post('/reset', (req, res) => {
    const b = body(req);
    res.json(admin.reset({ customer: str(b.customer, 'customer'), seed: str(b.seed, 'seed') }));
  });

  api.use((req, res) => {
    res.status(404).json({
      error: `no admin route ${req.method} ${ADMIN_API}${req.path}; GET ${ADMIN_API} lists them`,
      status: 404,
    });
  });
  // errors thrown by the routes above (and body-parser's) become JSON, never a stack trace
  router.use(
    ADMIN_API,
    (err: Error & { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction) => {
      if (err instanceof AdminError)
        return void res.status(err.status).json({ error: err.message, status: err.status });
      if (typeof err.status === 'number' && err.status >= 400 && err.status < 500) {
        return void res.status(err.status).json({
          error: err.type === 'entity.parse.failed' ? `the body is not JSON: ${err.message}` : err.message,
          status: err.status,
        });
      }
      console.error('ccm-mock: unexpected error in the admin API', err);
      res.status(500).json({ error: 'internal error in ccm-mock; see the server log', status: 500 });
    },
  );
  return router;
}
