import type { Request } from 'express';
import {
  COLLECT_CONTENT_TYPE,
  DEFAULT_COLLECT_FORMAT,
  EMAIL_PATTERN,
  EnrollRequestSchema,
  isCollectFormat,
  ListQuerySchema,
  ManualRevokeRequestSchema,
  PersonCreateRequestSchema,
  REST_LIMITS,
  ReplaceRequestSchema,
  RevokeByEmailRequestSchema,
  RevokeRequestSchema,
  TOTAL_COUNT_HEADER,
  TypesQuerySchema,
  UNSUPPORTED_LIST_FILTERS,
  type RestOperationName,
} from '../../wsdl/rest/index.js';
import type { Principal } from '../domain/accounts.js';
import type { CallContext } from '../domain/order-intake.js';
import type { Outcome, RestService } from '../domain/rest-service.js';
import { failure, type RestFailure } from './errors.js';
import { parseWith, type Parsed } from './input.js';
import { failureFor, type OutcomeSettings } from './outcomes.js';

/**
 * One handler per REST operation: read the request against the contract, call the domain, shape the answer.
 * No CCM decision is made here: which code a refusal gets is outcomes.ts's table, what is refused the domain's.
 */

/** What a handler gets: the admitted caller, the request, its JSON body (undefined: none), the call's context. */
export interface Exchange {
  operation: RestOperationName;
  principal: Principal;
  req: Request;
  body: unknown;
  ctx: CallContext;
  service: RestService;
  settings: OutcomeSettings;
}

export type Answer =
  | {
      status: 200 | 201 | 204;
      /** a JSON body */
      json?: unknown;
      /** a body of another type (collect) */
      raw?: { body: Buffer; contentType: string };
      headers?: Record<string, string | number>;
      /** the order the call made (enroll, renew), for the journal */
      orderNumber?: number;
    }
  | { failure: RestFailure };

type Handler = (x: Exchange) => Answer | Promise<Answer>;

/** A domain outcome as an answer: its value shaped by `ok`, or its refusal as the catalog's error. */
function answer<T>(x: Exchange, outcome: Outcome<T>, ok: (value: T) => Answer): Answer {
  return 'refusal' in outcome ? { failure: failureFor(outcome.refusal, x.operation, x.settings) } : ok(outcome.value);
}

function answerLater<T>(x: Exchange, outcome: Outcome<T> | Promise<Outcome<T>>, ok: (value: T) => Answer) {
  return outcome instanceof Promise ? outcome.then((o) => answer(x, o, ok)) : answer(x, outcome, ok);
}

/** A parsed input, or the answer refusing it. */
function withInput<T>(parsed: Parsed<T>, use: (value: T) => Answer | Promise<Answer>): Answer | Promise<Answer> {
  return 'failure' in parsed ? { failure: parsed.failure } : use(parsed.value);
}

const body = (x: Exchange) => x.body ?? {};
const param = (x: Exchange, name: string) => String(x.req.params[name] ?? '');

/** A path or query value no longer than the contract's bound. */
function bounded(x: Exchange, name: string, value: string): Parsed<string> {
  return value.length > REST_LIMITS.pathValue ? { failure: failure('INVALID_FIELD', name, 'too long') } : { value };
}

/** An email in the path ('@' raw or %40, as the docs allow). */
function pathEmail(x: Exchange): Parsed<string> {
  const email = param(x, 'email');
  return email.length <= REST_LIMITS.email && EMAIL_PATTERN.test(email)
    ? { value: email }
    : { failure: failure('INVALID_FIELD', 'email', 'not an email address') };
}

/** A positive whole number in the path. */
function pathId(x: Exchange, name: string): Parsed<number> {
  const text = param(x, name);
  const n = /^\d{1,10}$/.test(text) ? Number(text) : NaN;
  return Number.isSafeInteger(n) && n >= 0 ? { value: n } : { failure: failure('INVALID_FIELD', name, 'not a number') };
}

/** The list's filters; one the docs name that ccm-mock does not apply is refused rather than ignored. */
function listQuery(x: Exchange) {
  const unsupported = UNSUPPORTED_LIST_FILTERS.find((f) => x.req.query[f] !== undefined);
  if (unsupported) return { failure: failure('INVALID_FIELD', unsupported, 'ccm-mock does not filter by it') };
  return parseWith(ListQuerySchema, x.req.query, 'the query');
}

const listAnswer = (x: Exchange) =>
  withInput(listQuery(x), (q) =>
    answer(x, x.service.lists.list(x.principal, q), (page) => ({
      status: 200,
      json: page.items,
      headers: { [TOTAL_COUNT_HEADER]: page.total },
    })),
  );

const enrolledAnswer = (r: { orderNumber: number; backendCertId: string }): Answer => ({
  status: 200,
  json: r,
  orderNumber: r.orderNumber,
});

const NO_CONTENT: Answer = { status: 204 };

export const HANDLERS: Record<RestOperationName, Handler> = {
  'smime.listTypes': (x) =>
    withInput(parseWith(TypesQuerySchema, x.req.query, 'the query'), (q) =>
      answer(x, x.service.listTypes(x.principal, q.organizationId), (types) => ({ status: 200, json: types })),
    ),
  'smime.listCustomFields': (x) =>
    answer(x, x.service.listCustomFields(x.principal), (fields) => ({ status: 200, json: fields })),
  'smime.enroll': (x) =>
    withInput(parseWith(EnrollRequestSchema, body(x), 'the body'), (req) =>
      answerLater(x, x.service.enroll(x.principal, req, x.ctx), enrolledAnswer),
    ),
  'smime.collect': (x) => {
    const asked = x.req.query.format;
    // a format given twice is no format the docs name
    const format =
      asked === undefined ? DEFAULT_COLLECT_FORMAT : typeof asked === 'string' ? asked : JSON.stringify(asked);
    if (!isCollectFormat(format))
      return { failure: failure('UNSUPPORTED_FORMAT', format.slice(0, REST_LIMITS.pathValue)) };
    return withInput(bounded(x, 'backendCertId', param(x, 'backendCertId')), (id) =>
      answer(x, x.service.collect(x.principal, id, format), (file) => ({
        status: 200,
        raw: { body: file.body, contentType: COLLECT_CONTENT_TYPE },
        headers: { 'Content-Disposition': `attachment; filename="${file.filename}"` },
      })),
    );
  },
  'smime.revokeByOrder': (x) =>
    withInput(parseWith(RevokeRequestSchema, body(x), 'the body'), (req) =>
      withInput(bounded(x, 'backendCertId', param(x, 'backendCertId')), (id) =>
        answer(x, x.service.revokeByOrder(x.principal, id, req), () => NO_CONTENT),
      ),
    ),
  'smime.revokeBySerial': (x) =>
    withInput(parseWith(RevokeRequestSchema, body(x), 'the body'), (req) =>
      withInput(bounded(x, 'serialNumber', param(x, 'serialNumber')), (serial) =>
        answer(x, x.service.revokeBySerial(x.principal, serial, req), () => NO_CONTENT),
      ),
    ),
  'smime.revokeByEmail': (x) =>
    withInput(parseWith(RevokeByEmailRequestSchema, body(x), 'the body'), (req) =>
      answer(x, x.service.revokeByEmail(x.principal, req), () => NO_CONTENT),
    ),
  'smime.revokeManual': (x) =>
    withInput(parseWith(ManualRevokeRequestSchema, body(x), 'the body'), (req) =>
      answer(x, x.service.revokeManual(x.principal, req), () => NO_CONTENT),
    ),
  'smime.list': listAnswer,
  'smime.listV1': listAnswer,
  'smime.count': (x) =>
    withInput(listQuery(x), (q) =>
      answer(x, x.service.lists.list(x.principal, { ...q, size: 1, position: 0 }), (page) => ({
        status: 200,
        headers: { [TOTAL_COUNT_HEADER]: page.total },
      })),
    ),
  'smime.listByPersonEmail': (x) =>
    withInput(pathEmail(x), (email) =>
      answer(x, x.service.lists.listByPersonEmail(x.principal, email), (items) => ({ status: 200, json: items })),
    ),
  'smime.listByPersonId': (x) =>
    withInput(pathId(x, 'personId'), (id) =>
      answer(x, x.service.lists.listByPersonId(x.principal, id), (items) => ({ status: 200, json: items })),
    ),
  'smime.details': (x) =>
    withInput(pathId(x, 'id'), (id) =>
      answer(x, x.service.lists.details(x.principal, id), (info) => ({ status: 200, json: info })),
    ),
  'smime.renewByOrder': (x) =>
    withInput(bounded(x, 'backendCertId', param(x, 'backendCertId')), (id) =>
      answerLater(x, x.service.renewByOrder(x.principal, id, x.ctx), enrolledAnswer),
    ),
  'smime.renewBySerial': (x) =>
    withInput(bounded(x, 'serial', param(x, 'serial')), (serial) =>
      answerLater(x, x.service.renewBySerial(x.principal, serial, x.ctx), enrolledAnswer),
    ),
  'smime.replace': (x) =>
    withInput(parseWith(ReplaceRequestSchema, body(x), 'the body'), (req) =>
      withInput(bounded(x, 'backendCertId', param(x, 'backendCertId')), (id) =>
        answerLater(x, x.service.replace(x.principal, id, req, x.ctx), () => NO_CONTENT),
      ),
    ),
  'organization.list': (x) => answer(x, x.service.organizations(x.principal), (orgs) => ({ status: 200, json: orgs })),
  'person.idByEmail': (x) =>
    withInput(pathEmail(x), (email) =>
      answer(x, x.service.personIdByEmail(x.principal, email), (id) => ({ status: 200, json: id })),
    ),
  'person.create': (x) =>
    withInput(parseWith(PersonCreateRequestSchema, body(x), 'the body'), (req) =>
      answer(x, x.service.createPerson(x.principal, req), ({ personId }) => ({
        status: 201,
        headers: { Location: `${x.ctx.baseUrl}/api/person/v1/${personId}` },
      })),
    ),
};
