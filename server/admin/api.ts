import express, { type NextFunction, type Request, type Response } from 'express';
import { isManualAction } from '../domain/order-actions.js';
import { AdminError, type MockAdmin } from './admin.js';
import { tokenGuard } from './auth.js';
import {
  actionBodySchema,
  advanceBodySchema,
  faultFilterSchema,
  journalQuerySchema,
  MAX_PAGE,
  orderNumberParam,
  orgIdParam,
  parseOr400,
  setClockBodySchema,
} from './schemas.js';

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
    'orders, newest first; ?customer= &org= (orgId) &email= (the whole address, any case) &state= &limit= (default 100, at most 1000) &offset=',
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
  ['POST', '/admin/api/faults', 'queue a fault (body: a fault spec, or an array of them; at most faultLimit queued)'],
  ['DELETE', '/admin/api/faults', 'clear faults: all, ?customer=, or ?id='],
  ['GET', '/admin/api/clock', "the mock's time"],
  [
    'POST',
    '/admin/api/clock',
    'set the clock to an instant, earlier or later, inside the issuing CA\'s validity; body {"now": "2030-01-01T00:00:00Z"}',
  ],
  [
    'POST',
    '/admin/api/clock/advance',
    'move the clock forward (at most 100 years, not past the issuing CA\'s validity); body {"by": "90s"} or {"ms": 90000}',
  ],
  [
    'GET',
    '/admin/api/journal',
    'SOAP calls answered; ?customer= &operation= &order= &since= &limit= (default 100, at most 1000)',
  ],
  ['GET', '/admin/api/orgs', 'organizations with their suspension and delay'],
  ['PATCH', '/admin/api/orgs/{orgId}', 'body {"suspended": true|false|null, "delay": "5s"|null}'],
  [
    'POST',
    '/admin/api/reset',
    'reset all state (body {} or {"seed": "..."}) or one customer\'s ({"customer": "sandbox"})',
  ],
] as const;

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
    res.json(admin.orders(req.query)); // checked there (orderQuerySchema), for the in-process handle too
  });
  api.get('/orders/:orderNumber', (req, res) => {
    res.json(admin.order(parseOr400(orderNumberParam, req.params.orderNumber)));
  });
  api.get('/orders/:orderNumber/certificate', (req, res) => {
    const order = admin.order(parseOr400(orderNumberParam, req.params.orderNumber));
    if (!order.certificate)
      throw new AdminError(404, `order ${order.orderNumber} has no certificate (it is ${order.state})`);
    res.type('application/x-pem-file').send(order.certificate.pem);
  });
  api.post('/orders/:orderNumber/:action', (req, res) => {
    const action = req.params.action;
    if (!isManualAction(action))
      throw new AdminError(404, `no action ${action}; use approve, reject, pay, issue or revoke`);
    const b = parseOr400(actionBodySchema, req.body);
    res.json(admin.act(parseOr400(orderNumberParam, req.params.orderNumber), action, b.reason ?? b.note));
  });

  api.get('/faults', (req, res) => {
    res.json(admin.faults(parseOr400(faultFilterSchema, req.query).customer));
  });
  api.post('/faults', (req, res) => {
    const b: unknown = req.body;
    if (Array.isArray(b) && b.length > MAX_PAGE) throw new AdminError(400, `at most ${MAX_PAGE} faults at once`);
    res.status(201).json(Array.isArray(b) ? admin.queueFaults(b) : admin.queueFault(b));
  });
  api.delete('/faults', (req, res) => {
    const q = parseOr400(faultFilterSchema, req.query);
    const b = parseOr400(faultFilterSchema, req.body);
    const customer = q.customer ?? b.customer;
    const id = q.id ?? b.id;
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
  api.post('/clock', (req, res) => {
    res.json(admin.setClock(parseOr400(setClockBodySchema, req.body).now));
  });
  api.post('/clock/advance', (req, res) => {
    const b = parseOr400(advanceBodySchema, req.body);
    const by = b.by ?? b.ms;
    if (by === undefined || (b.by !== undefined && b.ms !== undefined))
      throw new AdminError(400, 'give {"by": "90s"} (ms, s, m, h, d) or {"ms": 90000}');
    res.json(admin.advanceClock(by));
  });

  api.get('/journal', (req, res) => {
    const q = parseOr400(journalQuerySchema, req.query);
    res.json(
      admin.journal({
        customer: q.customer,
        operation: q.operation,
        orderNumber: q.order,
        since: q.since,
        limit: q.limit,
      }),
    );
  });

  api.get('/orgs', (_req, res) => {
    res.json(admin.organizations());
  });
  api.patch('/orgs/:orgId', (req, res) => {
    res.json(admin.updateOrganization(parseOr400(orgIdParam, req.params.orgId), req.body));
  });

  api.post('/reset', (req, res) => {
    const body: unknown = req.body;
    res.json(admin.reset(body as Record<string, unknown>)); // checked there (resetBodySchema)
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
