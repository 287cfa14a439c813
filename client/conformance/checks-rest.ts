import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Pkcs10CertificateRequest, type X509Certificate } from '@peculiar/x509';
import {
  COLLECT_FORMAT_INFO,
  COLLECT_FORMATS,
  DEFAULT_COLLECT_FORMAT,
  DEFAULT_REVOKED_COLLECT_CODE,
  REVOKED_COLLECT_CODES,
  restStatus,
  type RestStatusName,
} from '../../wsdl/rest/index.js';
import { withScriptTags, writeScriptTag, type ScriptTag } from '../../wsdl/script-tags.js';
import { CcmRestStatusError } from '../errors.js';
import { isPending } from '../rest-client.js';
import { expect, expectRestCode, fail, type RestCheck, type RestCheckContext } from './check.js';

/**
 * The REST API's checks: read-only ones by default, those that enroll or revoke behind the same flags as the SOAP
 * checks, and mock-only ones that use ccm-mock's scripted `+tags`. Each names the part of the vendor's REST
 * documentation ("Certificate Manager 25.5 REST API") or the public client it follows. Every answer they get is
 * also held to the contract (wsdl/rest): the runner reports how it differs (drift) and fails the check for it.
 */

const code = (name: RestStatusName) => restStatus(name).code;

/** A backendCertId no account will have (the largest xs:int, as the SOAP checks use). */
const UNUSED_ID = '2147483647';

/** 136 random bits: a serial number no certificate has. */
const unusedSerial = () => 'CC' + randomBytes(16).toString('hex').toUpperCase();

const sameBytes = (a: ArrayBuffer, b: ArrayBuffer) => Buffer.from(a).equals(Buffer.from(b));

/** What a revoked certificate's collect answered: either code the contract allows, noted with the mock's setting. */
async function expectRevokedCollect(ctx: RestCheckContext, backendCertId: string): Promise<void> {
  try {
    await ctx.client.collect(backendCertId);
  } catch (err) {
    if (err instanceof CcmRestStatusError && (REVOKED_COLLECT_CODES as readonly number[]).includes(err.code)) {
      ctx.note(
        `collect of a revoked certificate answers ${err.code} (HTTP ${err.httpStatus}); the mock's matching setting: --rest-revoked-code ${err.code}${err.code === DEFAULT_REVOKED_COLLECT_CODE ? ' (its default)' : ''}`,
      );
      return;
    }
    if (err instanceof CcmRestStatusError)
      fail(
        `smime.collect of a revoked certificate: expected ${REVOKED_COLLECT_CODES.join(' or ')}, got ${err.code} (${err.description || err.meaning})`,
      );
    throw err;
  }
  fail('smime.collect of a revoked certificate succeeded');
}

/** An issued certificate of this run: enrolled, then waited for. */
async function issued(ctx: RestCheckContext, label: string) {
  ctx.requireConfig('orgId', 'emailDomain');
  const csr = await ctx.csr(`ccm conformance ${label}`);
  const enrolled = await ctx.enroll(label, { csr });
  const collected = await ctx.collect(enrolled.backendCertId);
  if (!collected.certificate)
    fail(`smime.collect (${DEFAULT_COLLECT_FORMAT}) of ${enrolled.backendCertId} holds no leaf`);
  return { ...enrolled, csr, collected, certificate: collected.certificate };
}

/** The roles of a collect answer's certificates: leaf (the one issued), root (self-signed), intermediate. */
function roles(certs: X509Certificate[], leafSerial: string): string[] {
  return certs.map((c) =>
    c.serialNumber.toLowerCase() === leafSerial ? 'leaf' : c.subject === c.issuer ? 'root' : 'intermediate',
  );
}

async function scripted(ctx: RestCheckContext, tag: ScriptTag): Promise<string> {
  ctx.requireConfig('orgId', 'emailDomain');
  const label = writeScriptTag(tag);
  const { backendCertId } = await ctx.enroll(label, {
    csr: await ctx.csr(`ccm conformance ${label}`),
    email: withScriptTags(ctx.email(label), [tag]),
  });
  return backendCertId;
}

const READ_ONLY: RestCheck[] = [
  {
    api: 'rest',
    name: 'rest-auth-failure',
    title: 'an unknown login is answered HTTP 401 with the JSON error {"code": -16, "description": ...}',
    tags: ['read-only'],
    guide: 'REST 25.5: User Login via Password, Errors (-16)',
    async run(ctx) {
      // a login that cannot exist, never the real one with a wrong password: no lockout risk for the account
      const stranger = ctx.clientFor({ ...ctx.auth, login: `ccm-conformance-nobody-${ctx.runId}`, password: 'x' });
      const err = await expectRestCode('smime.listTypes', code('UNKNOWN_USER'), () => stranger.listTypes());
      expect(err.httpStatus === 401, `expected HTTP 401 with -16, got HTTP ${err.httpStatus}`);
    },
  },
  {
    api: 'rest',
    name: 'rest-types',
    title:
      'GET /smime/v1/types lists certificate profiles (id, name, terms in days, key types); ?organizationId a subset',
    tags: ['read-only'],
    guide: 'REST 25.5: S/MIME, List S/MIME certificate types',
    async run(ctx) {
      // a live answer is read as it came: each field the note uses is held to the contract first
      const all = await ctx.client.listTypes();
      for (const p of all) {
        expect(Number.isInteger(p.id), `a profile's id is ${JSON.stringify(p.id)}, not an integer`);
        expect(
          Array.isArray(p.terms) && p.terms.length > 0 && p.terms.every((t) => Number.isInteger(t) && t > 0),
          `profile ${p.id} has no terms in days: ${JSON.stringify(p.terms)}`,
        );
      }
      ctx.note(
        `${all.length} profile(s): ${all.map((p) => `${p.id} ${p.name} (${p.terms.join('/')} days)`).join('; ')}`,
      );
      if (ctx.orgId === undefined) return ctx.note('no --org-id: the organization filter is not checked');
      const own = await ctx.client.listTypes({ organizationId: ctx.orgId });
      const extra = own.filter((p) => !all.some((q) => q.id === p.id)).map((p) => p.id);
      expect(!extra.length, `organization ${ctx.orgId} has profiles the customer's list lacks: ${extra.join(', ')}`);
      ctx.note(`organization ${ctx.orgId}: ${own.map((p) => p.id).join(', ') || 'no profile'}`);
    },
  },
  {
    api: 'rest',
    name: 'rest-custom-fields',
    title: 'GET /smime/v1/customFields lists the custom fields with id, name and mandatory',
    tags: ['read-only'],
    guide: 'REST 25.5: S/MIME, List custom fields',
    async run(ctx) {
      const fields = await ctx.client.listCustomFields();
      ctx.note(
        `${fields.length} field(s): ${fields.map((f) => `${f.name}${f.mandatory ? ' (mandatory)' : ''}`).join(', ') || '(none)'}`,
      );
      for (const f of fields)
        expect(typeof f.mandatory === 'boolean', `custom field ${f.name}: mandatory is no boolean`);
    },
  },
  {
    api: 'rest',
    name: 'rest-organizations',
    title: 'GET /organization/v1 lists the organizations with their departments, the configured one among them',
    tags: ['read-only'],
    guide: 'REST 25.5: Organizations, List organizations',
    async run(ctx) {
      const orgs = await ctx.client.organizations();
      ctx.note(`${orgs.length} organization(s), ${orgs.reduce((n, o) => n + o.departments.length, 0)} department(s)`);
      if (ctx.orgId === undefined) return;
      expect(
        orgs.some((o) => o.id === ctx.orgId || o.departments.some((d) => d.id === ctx.orgId)),
        `--org-id ${ctx.orgId} is neither an organization nor a department of the list`,
      );
    },
  },
  {
    api: 'rest',
    name: 'rest-list-and-count',
    title: 'GET /smime/v2?size=1 answers at most one item and X-Total-Count; HEAD /smime/v2 answers the same count',
    tags: ['read-only'],
    guide: 'REST 25.5: S/MIME, List S/MIME certificates (X-Total-Count)',
    async run(ctx) {
      const page = await ctx.client.list({ size: 1, position: 0 });
      expect(page.items.length <= 1, `size=1 answered ${page.items.length} items`);
      expect(page.total !== undefined, 'the list answered no integer X-Total-Count');
      let counted = await ctx.client.count();
      // a live account may change between the two calls: ask the list once more before calling it a difference
      if (counted !== page.total) counted = (await ctx.client.count()) === page.total ? page.total : counted;
      expect(counted === page.total, `HEAD counts ${counted}, the list's X-Total-Count is ${page.total}`);
      ctx.note(`${page.total} certificate(s) in all`);
    },
  },
  {
    api: 'rest',
    name: 'rest-collect-unknown',
    title: 'collect of a backendCertId the account does not have answers -1104; with an unknown format -1450',
    tags: ['read-only'],
    guide: 'REST 25.5: S/MIME, Collect; Error codes (-1104, -1450)',
    async run(ctx) {
      await expectRestCode('smime.collect', code('INVALID_ORDER_NUMBER'), () => ctx.client.collect(UNUSED_ID));
      await expectRestCode(
        'smime.collect',
        code('UNSUPPORTED_FORMAT'),
        () => ctx.client.collect(UNUSED_ID, { format: 'ccm-conformance' as never }),
        { [code('INVALID_ORDER_NUMBER')]: 'the endpoint judged the id before the format; ccm-mock the format first' },
      );
    },
  },
  {
    api: 'rest',
    name: 'rest-revoke-unknown',
    title:
      'revoke by order of an unknown backendCertId answers -1104, by an unknown serial -5101, by an address without certificates -1108',
    tags: ['read-only'],
    // these name no certificate: an id no account has, 136 random bits, this run's own unused address
    guide: 'REST 25.5: S/MIME, Revoke; Error codes (-1104, -5101, -1108)',
    async run(ctx) {
      const reason = { reason: 'ccm conformance: argument check' };
      await expectRestCode('smime.revokeByOrder', code('INVALID_ORDER_NUMBER'), () =>
        ctx.client.revokeByOrder(UNUSED_ID, reason),
      );
      await expectRestCode('smime.revokeBySerial', code('CERTIFICATE_NOT_FOUND'), () =>
        ctx.client.revokeBySerial(unusedSerial(), reason),
      );
      if (ctx.emailDomain === undefined) return ctx.note('no --email-domain: revoke by email is not checked');
      await expectRestCode('smime.revokeByEmail', code('NO_VALID_CERTIFICATES'), () =>
        ctx.client.revokeByEmail({ email: ctx.email('nobody'), ...reason }),
      );
    },
  },
  {
    api: 'rest',
    name: 'rest-enroll-refused',
    title:
      'enroll without orgId answers -7, with a profile id the customer lacks -111, with a CSR that is not base64 -9 (none of them can issue)',
    tags: ['read-only'],
    guide: 'REST 25.5: S/MIME, Enroll; Error codes (-7, -111, -9)',
    async run(ctx) {
      ctx.requireConfig('orgId', 'emailDomain');
      const { certType, term } = await ctx.profile();
      const body = {
        orgId: ctx.orgId!,
        csr: '*** this is not a certificate request ***',
        certType,
        term,
        email: ctx.email('refused'),
        firstName: 'ccm',
        lastName: 'conformance',
      };
      const { orgId: _orgId, ...noOrg } = body;
      // sent as it is: the client's enroll() fills in its default orgId
      await expectRestCode('smime.enroll', code('REQUIRED_FIELD_MISSING'), () =>
        ctx.client.request('smime.enroll', { body: noOrg }),
      );
      await expectRestCode(
        'smime.enroll',
        code('PROFILE_NOT_FOUND'),
        () => ctx.client.enroll({ ...body, certType: 2_147_483_647 }),
        { [code('CSR_NOT_BASE64')]: 'the endpoint judged the CSR before the profile; ccm-mock the profile first' },
      );
      await expectRestCode('smime.enroll', code('CSR_NOT_BASE64'), () => ctx.client.enroll(body));
    },
  },
  {
    api: 'rest',
    name: 'rest-error-bodies',
    title:
      'requests that reach no operation (an unknown path, a wrong method, a body that is not JSON) get JSON error bodies with negative codes',
    tags: ['read-only'],
    guide: 'REST 25.5: Errors ({"code": Number, "description": String} for every error)',
    async run(ctx) {
      const probes: Array<[string, string, RequestInit]> = [
        ['an unknown path', `/smime/ccm-conformance-no-such-resource-${ctx.runId}`, {}],
        ['a wrong method', '/smime/v1/types', { method: 'DELETE' }],
        [
          'a body that is not JSON',
          '/smime/v1/revoke',
          { method: 'POST', body: 'ccm conformance: not JSON', headers: { 'Content-Type': 'application/json' } },
        ],
      ];
      const bad: string[] = [];
      for (const [what, path, init] of probes) {
        const res = await ctx.fetch(path, init);
        const text = await res.text();
        let body: { code?: unknown; description?: unknown } | undefined;
        try {
          body = JSON.parse(text) as typeof body;
        } catch {
          body = undefined;
        }
        const shown = `HTTP ${res.status}, ${res.headers.get('content-type') ?? 'no Content-Type'}: ${text.slice(0, 120)}`;
        ctx.note(`${what}: ${shown}`);
        if (res.status < 400) bad.push(`${what} was not refused (${shown})`);
        else if (!/^application\/json\b/i.test(res.headers.get('content-type') ?? ''))
          bad.push(`${what}: the error is not application/json (${shown})`);
        else if (typeof body?.code !== 'number' || body.code >= 0 || typeof body.description !== 'string')
          bad.push(`${what}: the error body is not {"code": <negative>, "description": "..."} (${shown})`);
      }
      if (bad.length) fail(`${bad.length} error answer${bad.length > 1 ? 's' : ''} clients cannot parse`, bad);
    },
  },
];

const ISSUING: RestCheck[] = [
  {
    api: 'rest',
    name: 'rest-enroll-collect',
    title:
      "enroll with a profile and term of GET types, then collect until issued (default format): the certificate has the e-mail and the CSR's key, and the lists show it",
    tags: ['issues-certificate'],
    guide: 'REST 25.5: S/MIME, Enroll, Collect, List; python-cert_manager SMIME.enroll/collect',
    async run(ctx) {
      const { backendCertId, orderNumber, email, csr, collected, certificate } = await issued(ctx, 'enroll');
      ctx.note(`backendCertId ${backendCertId} (orderNumber ${orderNumber}), serial ${certificate.serialNumber}`);
      ctx.note(
        `collect without a format: ${collected.contentType ?? 'no Content-Type'}, ${collected.filename ?? 'no file name'}, ${certificate.format} with ${collected.certificates.length} certificate(s)`,
      );
      expect(
        certificate.emails.map((e) => e.toLowerCase()).includes(email.toLowerCase()),
        `the certificate's subjectAltName has ${certificate.emails.join(', ') || 'no e-mail'}, not ${email}`,
      );
      expect(
        sameBytes(new Pkcs10CertificateRequest(csr).publicKey.rawData, certificate.leaf.publicKey.rawData),
        "the certificate's public key is not the CSR's",
      );
      const listed = await ctx.client.list({ backendCertId });
      const item = listed.items.find((i) => i.backendCertId === backendCertId);
      expect(item, `GET /smime/v2?backendCertId=${backendCertId} does not list it`);
      expect(item.state === 'issued', `the list says ${item.state}, not issued`);
      const info = await ctx.client.details(item.id);
      expect(info.backendCertId === backendCertId, `GET /smime/v1/${item.id} is backendCertId ${info.backendCertId}`);
    },
  },
  {
    api: 'rest',
    name: 'rest-collect-formats',
    title:
      'collect an issued certificate in every documented format: each holds the certificates the docs name, in the order ccm-mock writes',
    tags: ['issues-certificate'],
    guide: 'REST 25.5: S/MIME, Collect (format); docs/rest.md decisions (chain order)',
    async run(ctx) {
      const { backendCertId, certificate } = await issued(ctx, 'formats');
      const problems: string[] = [];
      for (const format of COLLECT_FORMATS) {
        const info = COLLECT_FORMAT_INFO[format];
        const got = await ctx.client.collect(backendCertId, { format });
        const expected = [...info.contents.matchAll(/leaf|intermediate|root/g)].map((m) => m[0]);
        const actual = roles(got.certificates, certificate.serialNumber);
        // a PKCS#7 bundle is a set: only what it holds counts
        const [e, a] = info.contents.includes('PKCS#7')
          ? [[...expected].sort(), [...actual].sort()]
          : [expected, actual];
        if (e.join() !== a.join())
          problems.push(`${format}: ${actual.join(', ') || 'nothing'}, expected ${expected.join(', ')}`);
        const der = got.body[0] === 0x30;
        if (der !== (info.encoding === 'der'))
          problems.push(`${format}: ${der ? 'DER' : 'PEM'}, expected ${info.encoding.toUpperCase()}`);
      }
      if (problems.length) fail(`${problems.length} format(s) differ from what ccm-mock sends`, problems);
    },
  },
  {
    api: 'rest',
    name: 'rest-enroll-term-refused',
    title: 'enroll with a term the profile does not have answers -36',
    tags: ['issues-certificate'],
    guide: 'REST 25.5: S/MIME, Enroll; Error codes (-36)',
    async run(ctx) {
      ctx.requireConfig('orgId', 'emailDomain');
      const { term } = await ctx.profile();
      await expectRestCode('smime.enroll', code('TERM_INVALID'), async () => {
        const { backendCertId } = await ctx.enroll('bad-term', { term: term + 1 });
        return `backendCertId ${backendCertId} (recorded for cleanup)`;
      });
    },
  },
  {
    api: 'rest',
    name: 'rest-enroll-domain-refused',
    title: "enroll for an address outside the organization's domains answers -1010",
    tags: ['issues-certificate'],
    guide: 'REST 25.5: S/MIME, Enroll; Error codes (-1010)',
    async run(ctx) {
      ctx.requireConfig('orgId');
      await expectRestCode('smime.enroll', code('DOMAIN_NOT_ALLOWED'), async () => {
        const { backendCertId } = await ctx.enroll('foreign-domain', {
          email: `ccm-conformance-${ctx.runId}@not-this-organization.invalid`,
        });
        return `backendCertId ${backendCertId} (recorded for cleanup)`;
      });
    },
  },
  {
    api: 'rest',
    name: 'rest-person-lists',
    title:
      'after an enroll the person exists: GET /person/v1/id/byEmail answers its id, and the certificate is in the lists by person e-mail and by person id',
    tags: ['issues-certificate'],
    guide: 'REST 25.5: Persons, Get person id by email; S/MIME, List by person',
    async run(ctx) {
      const { backendCertId, email } = await issued(ctx, 'person');
      const personId = await ctx.client.personIdByEmail(email);
      ctx.note(`person ${personId}`);
      const byEmail = await ctx.client.listByPersonEmail(email);
      expect(
        byEmail.some((i) => i.backendCertId === backendCertId),
        `byPersonEmail does not list ${backendCertId}`,
      );
      const byId = await ctx.client.listByPersonId(personId);
      expect(
        byId.some((i) => i.backendCertId === backendCertId),
        `byPersonId does not list ${backendCertId}`,
      );
    },
  },
  {
    api: 'rest',
    name: 'rest-renew',
    title:
      'renew an issued certificate by its order: a new backendCertId, whose certificate has the same e-mail and key',
    tags: ['issues-certificate'],
    guide: 'REST 25.5: S/MIME, Renew by order',
    async run(ctx) {
      const first = await issued(ctx, 'renew');
      const renewed = await ctx.client.renewByOrder(first.backendCertId);
      expect(renewed.backendCertId !== first.backendCertId, 'the renewal answered the same backendCertId');
      const again = (await ctx.collect(renewed.backendCertId)).certificate;
      expect(again, 'the renewed certificate holds no leaf');
      expect(again.emails.join() === first.certificate.emails.join(), `the renewal is for ${again.emails.join(', ')}`);
      expect(
        sameBytes(again.leaf.publicKey.rawData, first.certificate.leaf.publicKey.rawData),
        "the renewal's key is not the renewed certificate's",
      );
      ctx.note(`renewed ${first.backendCertId} as ${renewed.backendCertId}`);
    },
  },
  {
    api: 'rest',
    name: 'rest-revoke-by-order',
    title:
      'revoke by order with {"reason"} only (as python-cert_manager): 204, then collect answers the revoked code (-110 or -192) and a second revoke -159',
    tags: ['issues-certificate', 'revokes'],
    guide: 'REST 25.5: S/MIME, Revoke by order; Error codes (-110, -159); python-cert_manager SMIME.revoke',
    async run(ctx) {
      const { backendCertId } = await issued(ctx, 'revoke');
      await ctx.client.revokeByOrder(backendCertId, { reason: 'ccm conformance: revoke check' });
      ctx.markRevoked(backendCertId);
      await expectRevokedCollect(ctx, backendCertId);
      await expectRestCode('smime.revokeByOrder', code('ALREADY_REVOKED'), () =>
        ctx.client.revokeByOrder(backendCertId, { reason: 'ccm conformance: second revoke' }),
      );
      const item = (await ctx.client.list({ backendCertId })).items[0];
      expect(item?.state === 'revoked', `the list says ${item?.state ?? 'nothing'}, not revoked`);
    },
  },
  {
    api: 'rest',
    name: 'rest-revoke-by-serial',
    title: "revoke by the collected certificate's serial number with a reason code: 204, then collect the revoked code",
    tags: ['issues-certificate', 'revokes'],
    guide: 'REST 25.5: S/MIME, Revoke by serial number',
    async run(ctx) {
      const { backendCertId, certificate } = await issued(ctx, 'revoke-serial');
      await ctx.client.revokeBySerial(certificate.serialNumber, { reason: 'ccm conformance', reasonCode: 4 });
      ctx.markRevoked(backendCertId);
      await expectRevokedCollect(ctx, backendCertId);
    },
  },
  {
    api: 'rest',
    name: 'rest-revoke-by-email',
    title: "revoke by this run's own address: 204, then collect the revoked code",
    tags: ['issues-certificate', 'revokes'],
    guide: 'REST 25.5: S/MIME, Revoke by email',
    async run(ctx) {
      const { backendCertId, email } = await issued(ctx, 'revoke-email');
      // the address is unique to this run and check: only the certificate just made can match
      await ctx.client.revokeByEmail({ email, reason: 'ccm conformance: revoke by email check' });
      ctx.markRevoked(backendCertId);
      await expectRevokedCollect(ctx, backendCertId);
    },
  },
];

const MOCK_ONLY: RestCheck[] = [
  {
    api: 'rest',
    name: 'rest-mock-pending',
    title: 'an order still processing: collect answers -183 (HTTP 400) until it is issued, then the certificate',
    tags: ['mock-only', 'issues-certificate'],
    guide: 'python-cert_manager PendingError (-183); REST 25.5: S/MIME, Collect',
    async run(ctx) {
      const id = await scripted(ctx, { kind: 'pending', polls: 2 });
      for (const poll of [1, 2]) {
        const err = await ctx.client.collect(id).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(isPending(err), `collect ${poll} of a processing order should answer -183`);
        expect(err.httpStatus === 400, `-183 came with HTTP ${err.httpStatus}, not 400`);
      }
      expect((await ctx.client.collect(id)).certificate, 'collect 3 should answer the certificate');
    },
  },
  {
    api: 'rest',
    name: 'rest-mock-rejected',
    title: 'a rejected order: collect answers -169 and revoke -102',
    tags: ['mock-only', 'issues-certificate'],
    guide: 'REST 25.5: Error codes (-169, -102)',
    async run(ctx) {
      const id = await scripted(ctx, { kind: 'reject' });
      await expectRestCode('smime.collect', code('NOT_AVAILABLE'), () => ctx.client.collect(id));
      await expectRestCode('smime.revokeByOrder', code('ONLY_ISSUED_REVOCABLE'), () =>
        ctx.client.revokeByOrder(id, { reason: 'ccm conformance' }),
      );
    },
  },
  {
    api: 'rest',
    name: 'rest-mock-unpaid',
    title: 'an unpaid order is not collectable: -183',
    tags: ['mock-only', 'issues-certificate'],
    guide: 'REST 25.5: S/MIME, Collect (-183)',
    async run(ctx) {
      const id = await scripted(ctx, { kind: 'payment' });
      await expectRestCode('smime.collect', code('NOT_COLLECTABLE'), () => ctx.client.collect(id));
    },
  },
  {
    api: 'rest',
    name: 'rest-mock-unknown-error',
    title: 'an unknown error (-14, HTTP 500) on one call leaves the order collectable',
    tags: ['mock-only', 'issues-certificate'],
    guide: 'REST 25.5: Error codes (-14)',
    async run(ctx) {
      const id = await scripted(ctx, { kind: 'fail14' });
      await expectRestCode('smime.collect', code('UNKNOWN_ERROR'), () => ctx.client.collect(id));
      expect((await ctx.client.collect(id)).certificate, 'after the -14, collect should answer the certificate');
    },
  },
];

export const REST_CHECKS: readonly RestCheck[] = [...READ_ONLY, ...ISSUING, ...MOCK_ONLY];
