import express, { type Request, type Response } from 'express';
import { OID } from '../ca/oids.js';
import { ORDER_STATES } from '../domain/orders.js';
import { isManualAction } from '../domain/order-actions.js';
import type { ManualAction } from '../domain/lifecycle.js';
import { AdminError, type MockAdmin, type OrderDetail, type OrderQuery, type OrderSummary } from './admin.js';
import { tokenGuard } from './auth.js';

/**
 * The admin web page at /admin: server-rendered HTML over MockAdmin, no script and no build step. Forms
 * POST and redirect back (so reload never repeats an action); cross-site POSTs are refused by the admin
 * guard in front of it (guard.ts).
 */

const esc = (v: string | number | boolean | undefined | null) =>
  String(v ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

const when = (isoTime: string | undefined) => (isoTime ? esc(isoTime.replace('T', ' ').replace(/\.\d+Z$/, 'Z')) : '');

const OID_NAME: Record<string, string> = Object.fromEntries(Object.entries(OID).map(([name, oid]) => [oid, name]));

const ACTION_LABEL: Record<ManualAction, string> = {
  approve: 'Approve',
  reject: 'Reject',
  pay: 'Mark paid',
  issue: 'Issue now',
  revoke: 'Revoke',
};

const CSS = `
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d232a;background:#f6f7f9}
header{background:#1f3a5f;color:#fff;padding:10px 20px}header h1{font-size:18px;margin:0;display:inline}header a{color:#fff}
header .warn{margin-left:12px;font-size:12px;background:#b3261e;padding:2px 6px;border-radius:3px}
main{display:grid;grid-template-columns:1fr 340px;gap:20px;padding:20px}
section,aside>div{background:#fff;border:1px solid #d9dde3;border-radius:6px;padding:12px 16px;margin-bottom:16px}
h2{font-size:15px;margin:0 0 10px}table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #eceff3;vertical-align:top}th{font-size:12px;color:#5b6573}
td.mono,.mono{font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}
.state{display:inline-block;padding:1px 7px;border-radius:9px;font-size:12px;color:#fff;background:#6b7684}
.s-issued{background:#2e7d32}.s-processing{background:#1565c0}.s-issuing{background:#6a1b9a}.s-awaiting-payment{background:#b26a00}
.s-rejected{background:#b3261e}.s-revoked{background:#424242}
form.inline{display:inline}button{margin:0 4px 4px 0;padding:4px 10px;border:1px solid #8893a2;border-radius:4px;background:#fff;cursor:pointer}
button.primary{background:#1f3a5f;color:#fff;border-color:#1f3a5f}button.danger{border-color:#b3261e;color:#b3261e}
.filters input,.filters select{margin-right:6px;padding:3px}dl{display:grid;grid-template-columns:110px 1fr;gap:4px 10px;margin:0}dt{color:#5b6573}
.flash{padding:8px 12px;border-radius:4px;margin-bottom:12px}.ok{background:#e6f4ea}.err{background:#fce8e6}
pre{background:#f3f4f6;padding:8px;overflow:auto;font-size:11px}ul{padding-left:18px;margin:4px 0}
`;

function layout(title: string, content: string, aside: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)} - ccm-mock admin</title><style>${CSS}</style></head><body>
<header><h1><a href="/admin">ccm-mock admin</a></h1><span class="warn">TEST CA - certificates are not trusted</span></header>
<main><div>${content}</div><aside>${aside}</aside></main></body></html>`;
}

function stateBadge(state: string): string {
  return `<span class="state s-${esc(state)}">${esc(state)}</span>`;
}

function flash(req: Request): string {
  const done = typeof req.query.done === 'string' ? req.query.done : undefined;
  const error = typeof req.query.error === 'string' ? req.query.error : undefined;
  return (
    (done ? `<div class="flash ok" role="status">${esc(done)}</div>` : '') +
    (error ? `<div class="flash err" role="alert">${esc(error)}</div>` : '')
  );
}

function panel(admin: MockAdmin): string {
  const info = admin.info();
  const faults = info.faults;
  const ca = info.ca;
  return `<div id="panel-ca"><h2>Test CA</h2><ul>
<li><a href="${ca.rootPem}">root.pem</a> · <a href="${ca.rootCer}">root.cer</a></li>
<li><a href="${ca.intermediatePem}">intermediate.pem</a> · <a href="${ca.intermediateCer}">intermediate.cer</a></li>
<li><a href="${ca.chainPem}">chain.pem</a> (intermediate + root)</li>
<li>CRLs: <a href="${ca.intermediateCrl}">intermediate.crl</a> · <a href="${ca.rootCrl}">root.crl</a> · OCSP at <code>${ca.ocsp}</code></li></ul><small>${esc(ca.origin)}</small></div>
<div id="panel-run"><h2>Run</h2><dl><dt>seed</dt><dd class="mono" id="seed">${esc(info.seed)}</dd>
<dt>clock</dt><dd class="mono" id="clock">${when(info.clock.now)}</dd>
<dt>ahead by</dt><dd>${esc(Math.round(info.clock.offsetMs / 1000))} s${info.clock.frozen ? ' (frozen)' : ''}</dd><dt>default delay</dt><dd>${esc(info.defaultDelay)}</dd></dl>
<form method="post" action="/admin/clock/advance" class="inline"><input name="by" size="6" value="1h" aria-label="advance the clock by"> <button>Advance clock</button></form></div>
<div id="panel-faults"><h2>Queued faults (${faults.length})</h2>${
    faults.length
      ? `<table><tr><th>customer</th><th>what</th><th>left</th></tr>${faults
          .map(
            (f) =>
              `<tr><td>${esc(f.customer)}</td><td>${esc(f.operation ?? 'any')}: ${f.code !== undefined ? esc(f.code) : esc(f.transport)}${f.rate !== undefined ? ` @${esc(f.rate)}` : ''}${f.after ? ' (after)' : ''}</td><td>${f.remaining ?? '∞'}</td></tr>`,
          )
          .join(
            '',
          )}</table><form method="post" action="/admin/faults/clear"><button class="danger">Clear all faults</button></form>`
      : '<p>none</p>'
  }</div>
<div id="panel-orgs"><h2>Organizations</h2><table>${info.organizations
    .map(
      (o) =>
        `<tr><td>${esc(o.orgId)}</td><td>${esc(o.name)}<br><small>${esc(o.customer)} · ${esc(o.delay)}</small></td><td>${o.suspended ? '<b>suspended</b>' : ''}</td></tr>`,
    )
    .join('')}</table></div>
<div><h2>API</h2><a href="/admin/api">/admin/api</a> (JSON) · <a href="/ws/EPKIManager?wsdl">WSDL</a></div>`;
}

function ordersTable(orders: OrderSummary[]): string {
  if (!orders.length) return '<p>No orders match.</p>';
  return `<table id="orders"><thead><tr><th>order</th><th>state</th><th>email</th><th>username</th><th>org</th><th>serial</th><th>created</th><th>updated</th></tr></thead><tbody>${orders
    .map(
      (o) =>
        `<tr data-order="${o.orderNumber}"><td><a href="/admin/orders/${o.orderNumber}">${o.orderNumber}</a></td><td>${stateBadge(o.state)}</td><td>${esc(o.email)}</td><td>${esc(o.username)}</td><td>${esc(o.orgName ?? o.orgId)}<br><small>${esc(o.customer)}</small></td><td class="mono">${esc(o.serial ?? '')}</td><td>${when(o.createdAt)}</td><td>${when(o.updatedAt)}</td></tr>`,
    )
    .join('')}</tbody></table>`;
}

function filters(q: OrderQuery): string {
  const options = ['', ...ORDER_STATES]
    .map((s) => `<option value="${s}"${q.state === s ? ' selected' : ''}>${s || 'any state'}</option>`)
    .join('');
  return `<form class="filters" method="get" action="/admin"><input name="email" placeholder="email" value="${esc(q.email ?? '')}" aria-label="email">
<input name="customer" placeholder="customer" size="10" value="${esc(q.customer ?? '')}" aria-label="customer"><input name="org" placeholder="orgId" size="6" value="${esc(q.org ?? '')}" aria-label="orgId">
<select name="state" aria-label="state">${options}</select><button>Filter</button> <a href="/admin">clear</a></form>`;
}

function detailPage(o: OrderDetail): string {
  const actions = o.actions.length
    ? o.actions
        .map(
          (a) =>
            `<form method="post" action="/admin/orders/${o.orderNumber}/${a}" class="inline">${a === 'revoke' ? '<input name="reason" placeholder="reason" aria-label="revocation reason"> ' : ''}<button class="${a === 'revoke' || a === 'reject' ? 'danger' : 'primary'}">${ACTION_LABEL[a]}</button></form>`,
        )
        .join(' ')
    : '<p>No action applies in this state.</p>';
  const c = o.certificate;
  return `<section><h2>Order ${o.orderNumber} ${stateBadge(o.state)}</h2><dl>
<dt>email</dt><dd>${esc(o.email)}</dd><dt>username</dt><dd>${esc(o.username)}</dd>
<dt>customer</dt><dd>${esc(o.customer)} (enrolled by ${esc(o.enrolledBy)})</dd><dt>organization</dt><dd>${esc(o.orgName ?? '')} (${o.orgId})${o.department ? ` · ${esc(o.department)}` : ''}</dd>
<dt>tags</dt><dd>${o.tags.length ? o.tags.map((t) => `+${esc(t)}`).join(' ') : '-'}</dd><dt>templates</dt><dd>${o.templates.length ? esc(o.templates.join(', ')) : '-'}</dd>
<dt>status polls</dt><dd>${o.polls}</dd><dt>next</dt><dd>${o.next ? `${esc(o.next.to)} ${o.next.at ? `at ${when(o.next.at)}` : ''}${o.next.afterPolls !== undefined ? `after ${o.next.afterPolls} more poll(s)` : ''}` : '-'}</dd>
<dt>created</dt><dd>${when(o.createdAt)}</dd><dt>updated</dt><dd>${when(o.updatedAt)}</dd></dl></section>
<section id="actions"><h2>Actions</h2>${actions}</section>
<section id="certificate"><h2>Certificate</h2>${
    c
      ? `<dl><dt>serial</dt><dd class="mono">${esc(c.serial)}</dd><dt>subject</dt><dd>${esc(c.subject)}</dd><dt>issuer</dt><dd>${esc(c.issuer)}</dd>
<dt>SAN</dt><dd>${esc(c.subjectAltName ?? '')}</dd><dt>valid</dt><dd>${when(c.notBefore)} → ${when(c.notAfter)}</dd>
<dt>SHA-256</dt><dd class="mono">${esc(c.fingerprint256)}</dd><dt>EKU</dt><dd>${esc((c.extKeyUsage ?? []).map((oid) => OID_NAME[oid] ?? oid).join(', '))}</dd>
${o.revocation ? `<dt>revoked</dt><dd>${when(o.revocation.at)} by ${esc(o.revocation.by)}${o.revocation.reason ? `: ${esc(o.revocation.reason)}` : ''} (CRLReason ${o.revocation.reasonCode})</dd>` : ''}</dl>
<p><a href="/admin/api/orders/${o.orderNumber}/certificate">download PEM</a></p>`
      : '<p>Not issued.</p>'
  }</section>
<section id="history"><h2>History</h2><table><tr><th>at</th><th>state</th><th>what</th></tr>${o.history
    .map((h) => `<tr><td>${when(h.at)}</td><td>${stateBadge(h.state)}</td><td>${esc(h.note)}</td></tr>`)
    .join('')}</table></section>`;
}

function queryOf(req: Request): OrderQuery {
  const q = req.query;
  const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
  const org = text(q.org);
  const state = text(q.state);
  return {
    ...(text(q.customer) ? { customer: text(q.customer) } : {}),
    ...(text(q.email) ? { email: text(q.email) } : {}),
    ...(org && /^\d+$/.test(org) ? { org: Number(org) } : {}),
    ...(state && (ORDER_STATES as readonly string[]).includes(state) ? { state: state as OrderQuery['state'] } : {}),
    limit: 200,
  };
}

/** A text field of a urlencoded form (express types req.body as any; it is absent without a body). */
function formField(req: Request, name: string): string | undefined {
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null) return undefined;
  const value: unknown = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

export function adminPage(admin: MockAdmin, token: string | undefined): express.Router {
  const router = express.Router();
  const guard = tokenGuard(token, 'page');
  const form = express.urlencoded({ extended: false, limit: '16kb' });
  const back = (res: Response, to: string, params: Record<string, string>) =>
    res.redirect(303, `${to}?${new URLSearchParams(params).toString()}`);

  router.get(['/admin', '/admin/'], guard, (req, res) => {
    const q = queryOf(req);
    const orders = admin.orders(q);
    res
      .type('html')
      .send(
        layout(
          'Orders',
          `${flash(req)}<section><h2>Orders</h2>${filters(q)}${ordersTable(orders)}</section>`,
          panel(admin),
        ),
      );
  });

  router.get('/admin/orders/:orderNumber', guard, (req, res) => {
    const n = Number(req.params.orderNumber);
    try {
      const order = admin.order(Number.isInteger(n) && n > 0 ? n : -1);
      res.type('html').send(layout(`Order ${order.orderNumber}`, flash(req) + detailPage(order), panel(admin)));
    } catch (err) {
      if (!(err instanceof AdminError)) throw err;
      res
        .status(err.status)
        .type('html')
        .send(
          layout(
            'Not found',
            `<section><h2>${esc(err.message)}</h2><a href="/admin">all orders</a></section>`,
            panel(admin),
          ),
        );
    }
  });

  router.post('/admin/orders/:orderNumber/:action', guard, form, (req, res) => {
    const n = Number(req.params.orderNumber);
    const action = String(req.params.action);
    const to = `/admin/orders/${encodeURIComponent(String(req.params.orderNumber))}`;
    if (!isManualAction(action)) return back(res, to, { error: `no action ${action}` });
    try {
      const reason = formField(req, 'reason');
      const order = admin.act(n, action, reason);
      back(res, to, { done: `${ACTION_LABEL[action]}: order ${order.orderNumber} is now ${order.state}` });
    } catch (err) {
      if (!(err instanceof AdminError)) throw err;
      back(res, to, { error: err.message });
    }
  });

  router.post('/admin/faults/clear', guard, (_req, res) => {
    back(res, '/admin', { done: `cleared ${admin.clearFaults()} fault(s)` });
  });

  router.post('/admin/clock/advance', guard, form, (req, res) => {
    try {
      const by = formField(req, 'by') ?? '';
      const clock = admin.advanceClock(by);
      back(res, '/admin', { done: `clock now ${clock.now}` });
    } catch (err) {
      if (!(err instanceof AdminError)) throw err;
      back(res, '/admin', { error: err.message });
    }
  });

  return router;
}
