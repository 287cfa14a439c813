import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OperationName } from '../../wsdl/contract.js';
import { GUIDE_PAIRS, isGuidePair, NOT_ANSWERED, type GuidePair } from '../../wsdl/guide-codes.js';
import { STATUS_CODES, statusSource } from '../../wsdl/status-codes.js';
import { statusTrigger } from '../../server/domain/status-triggers.js';
import { SCRIPT_TAGS } from '../../server/domain/lifecycle.js';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import { adminClient } from '../support/admin.js';
import { readCsr } from '../support/fixtures.js';
import {
  authXml,
  call,
  enrollXml,
  orderXml,
  SANDBOX,
  xmlEl,
  type Auth,
  type EnrollFields,
  type SoapAnswer,
} from '../support/soap.js';

/**
 * Walks the whole status-code catalog: for every (code, operation) pair it lists, a real SOAP request with
 * realistic input makes the mock answer that code, and the answer is schema-valid. A catalog entry without
 * a scenario here fails the coverage test, so the catalog cannot promise a code nobody can reach; and the
 * guide's own tables (wsdl/guide-codes.ts) are held against the catalog, so a pair the guide documents
 * cannot be left out without a stated reason.
 */

let mock: MockServer;
let admin: ReturnType<typeof adminClient>;
beforeAll(async () => {
  mock = await createMockServer();
  admin = adminClient(mock.url);
});
afterAll(() => mock.close());

const SECOND_ADMIN: Auth = { login: 'second-admin', password: 'second', customerLoginUri: 'sandbox' };
const OTHER: Auth = { login: 'other-admin', password: 'other', customerLoginUri: 'other' };
const READONLY: Auth = { login: 'readonly-admin', password: 'readonly', customerLoginUri: 'readonly' };
const WRONG_PASSWORD: Auth = { ...SANDBOX, password: 'not-the-password' };
let unique = 0;

async function enroll(
  fields: EnrollFields = {},
  op: 'enroll' | 'enrollUsingKUTemplates' = 'enroll',
): Promise<SoapAnswer> {
  return call(mock.endpoint, op, enrollXml({ csr: readCsr(), email: `user${++unique}@example.com`, ...fields }));
}

/** A fresh order in a given shape; returns its number. */
async function order(email = `person${++unique}@example.com`, fields: EnrollFields = {}): Promise<number> {
  const answer = await enroll({ email, ...fields });
  expect(answer.code, `enroll ${email}: ${answer.text}`).toBeGreaterThan(0);
  return answer.code;
}

const serialOf = (n: number) => mock.store.get(n)!.certificate!.serial;
const orderOp = (op: OperationName, n: number | string, auth: Auth = SANDBOX, extra = '') =>
  call(mock.endpoint, op, orderXml(n, auth, extra));
const bySerial = (serial: string, auth: Auth = SANDBOX, reason = '') =>
  call(mock.endpoint, 'revokeBySerialNumber', authXml(auth) + xmlEl('serialNumber', serial) + xmlEl('reason', reason));
const byPerson = (email: string, org = 'Sandbox Org', dep = '', auth: Auth = SANDBOX) =>
  call(
    mock.endpoint,
    'revokeAllByPerson',
    authXml(auth) + xmlEl('email', email) + xmlEl('org', org) + xmlEl('dep', dep),
  );

/** Make a customer's next call of an operation answer a code: fault injection through the admin API. */
async function injectOnce(customer: string, operation: OperationName, code: number): Promise<void> {
  const answer = await admin('POST', '/admin/api/faults', { customer, operation, code, count: 1 });
  expect(answer.status).toBe(201);
}

/** Suspend an organization after its orders exist (-101 for calls about them), through the admin API. */
async function withSuspendedOrg<T>(orgId: number, run: () => Promise<T>): Promise<T> {
  expect((await admin('PATCH', `/admin/api/orgs/${orgId}`, { suspended: true })).status).toBe(200);
  try {
    return await run();
  } finally {
    await admin('PATCH', `/admin/api/orgs/${orgId}`, { suspended: false });
  }
}

const ENROLLS = ['enroll', 'enrollUsingKUTemplates'] as const;
type Scenario = () => Promise<SoapAnswer>;
const scenarios = new Map<string, Scenario>();
const add = (code: number, op: OperationName, s: Scenario) => scenarios.set(`${code} ${op}`, s);

// ---- success and progress ----
add(1, 'getCollectStatus', async () => orderOp('getCollectStatus', await order()));
add(1, 'collect', async () => orderOp('collect', await order()));
add(0, 'getCollectStatus', async () =>
  orderOp('getCollectStatus', await order(`alice+pending3+n${++unique}@example.com`)),
);
add(0, 'collect', async () => orderOp('collect', await order(`alice+pending2+n${++unique}@example.com`)));
add(0, 'revoke', async () => orderOp('revoke', await order(), SANDBOX, xmlEl('reason', 'key compromise')));
add(0, 'revokeBySerialNumber', async () => bySerial(serialOf(await order())));
add(0, 'revokeAllByPerson', async () => {
  await order('dave@example.com');
  return byPerson('dave@example.com', 'Sandbox Org', 'Engineering');
});

// ---- order number and serial number arguments ----
for (const op of ['getCollectStatus', 'collect', 'revoke'] as const) {
  add(-1, op, () => orderOp(op, 0));
  add(-2, op, async () => orderOp(op, await order(), OTHER)); // another customer's real order: -2, never -16
  add(-16, op, async () => orderOp(op, await order(), SECOND_ADMIN));
  add(-100, op, () => orderOp(op, 1, WRONG_PASSWORD));
  add(-101, op, async () => {
    const n = await order();
    return withSuspendedOrg(1001, () => orderOp(op, n));
  });
  add(-120, op, () => orderOp(op, 1, READONLY));
  add(-14, op, async () => orderOp(op, await order(`alice+fail14+n${++unique}@example.com`)));
}
add(-3, 'revokeBySerialNumber', () => bySerial('not-hex!'));
add(-4, 'revokeBySerialNumber', () => bySerial('0123456789abcdef'));
add(-5, 'revoke', async () => orderOp('revoke', await order(), SANDBOX, xmlEl('reason', 'r'.repeat(129))));
add(-5, 'revokeBySerialNumber', async () => bySerial(serialOf(await order()), SANDBOX, 'r'.repeat(129)));
add(-16, 'revokeBySerialNumber', async () => bySerial(serialOf(await order()), SECOND_ADMIN));
add(-16, 'revokeAllByPerson', () => byPerson('someone@example.com', 'Sandbox Org', '', SECOND_ADMIN));

// ---- lifecycle states ----
add(-20, 'collect', async () => orderOp('collect', await order(`alice+reject+n${++unique}@example.com`)));
add(-20, 'revoke', async () => orderOp('revoke', await order(`alice+reject+n${++unique}@example.com`)));
add(-20, 'getCollectStatus', async () =>
  orderOp('getCollectStatus', await order(`alice+reject+n${++unique}@example.com`)),
);
const revokedOrder = async () => {
  const n = await order();
  expect((await orderOp('revoke', n)).code).toBe(0);
  return n;
};
add(-21, 'collect', async () => orderOp('collect', await revokedOrder()));
add(-21, 'revoke', async () => orderOp('revoke', await revokedOrder()));
add(-21, 'getCollectStatus', async () => orderOp('getCollectStatus', await revokedOrder()));
add(-21, 'revokeBySerialNumber', async () => bySerial(serialOf(await revokedOrder())));
add(-22, 'collect', async () => orderOp('collect', await order(`alice+payment+n${++unique}@example.com`)));
add(-26, 'revoke', async () => orderOp('revoke', await order(`alice+issuing+n${++unique}@example.com`)));
/** revokeAllByPerson for a person whose one order has the email's scripted shape */
const personWith = async (email: string) => {
  await order(email);
  return byPerson(email);
};
add(-20, 'revokeAllByPerson', () => personWith(`alice+reject+n${++unique}@example.com`));
add(-21, 'revokeAllByPerson', async () => {
  const email = `person${++unique}@example.com`;
  expect((await personWith(email)).code).toBe(0);
  return byPerson(email); // everything of the person's is revoked already
});
add(-26, 'revokeAllByPerson', () => personWith(`alice+issuing+n${++unique}@example.com`));

// ---- the other operations' auth and configuration codes ----
add(-100, 'revokeBySerialNumber', () => bySerial('01', WRONG_PASSWORD));
add(-100, 'revokeAllByPerson', () => byPerson('a@example.com', 'Sandbox Org', '', WRONG_PASSWORD));
add(-101, 'revokeBySerialNumber', async () => {
  const serial = serialOf(await order());
  return withSuspendedOrg(1001, () => bySerial(serial));
});
add(-101, 'revokeAllByPerson', () => withSuspendedOrg(1001, () => byPerson('a@example.com')));
add(-120, 'revokeBySerialNumber', () => bySerial('01', READONLY));
add(-120, 'revokeAllByPerson', () => byPerson('a@readonly.example.net', 'Read-only Org', '', READONLY));
add(-14, 'revokeBySerialNumber', async () => {
  const serial = serialOf(await order());
  await injectOnce('sandbox', 'revokeBySerialNumber', -14);
  return bySerial(serial);
});
add(-14, 'revokeAllByPerson', async () => {
  await injectOnce('sandbox', 'revokeAllByPerson', -14);
  return byPerson('a@example.com');
});
add(-31, 'revokeAllByPerson', () => byPerson('not-an-email'));
add(-32, 'revokeAllByPerson', () => byPerson('a@example.com', 'No Such Org'));

// ---- enrollment rules, for both enroll operations ----
const csrCase = (file: string) => (op: (typeof ENROLLS)[number]) => () => enroll({ csr: readCsr(file) }, op);
for (const op of ENROLLS) {
  add(-7, op, csrCase('bad-country.csr')(op));
  add(-9, op, () => enroll({ csr: 'this is not base64 at all!' }, op));
  add(-10, op, () =>
    enroll(
      {
        csr: Buffer.from(readCsr().replace(/-----[^-]+-----|\s/g, ''), 'base64')
          .subarray(0, 200)
          .toString('base64'),
      },
      op,
    ),
  );
  add(-11, op, csrCase('ec-p256.csr')(op));
  add(-12, op, csrCase('bad-signature.csr')(op));
  add(-13, op, csrCase('rsa-384.csr')(op));
  add(-14, op, async () => {
    await injectOnce('sandbox', op, -14);
    return enroll({}, op);
  });
  add(-16, op, () => enroll({ auth: SECOND_ADMIN }, op));
  add(-30, op, () => enroll({ username: 'u'.repeat(65) }, op));
  add(-31, op, () => enroll({ email: 'alice@@example.com' }, op));
  add(-100, op, () => enroll({ auth: WRONG_PASSWORD }, op));
  add(-101, op, () => enroll({ secretKey: 'wrong-secret' }, op));
  add(-111, op, () => enroll({ email: 'bob@example.net' }, op));
  add(-120, op, () => enroll({ orgId: 1003, secretKey: 'noapi-secret', email: 'x@noapi.example.net' }, op));
}
add(-112, 'enrollUsingKUTemplates', () => enroll({ templates: ['no-such-template'] }, 'enrollUsingKUTemplates'));
add(-113, 'enrollUsingKUTemplates', () => enroll({ templates: ['legacy-smime'] }, 'enrollUsingKUTemplates'));
add(-114, 'enrollUsingKUTemplates', () =>
  enroll({ templates: ['smime-signing-encryption'] }, 'enrollUsingKUTemplates'),
);

describe("the guide's (operation, code) pairs (wsdl/guide-codes.ts) against the catalog", () => {
  const notAnswered = NOT_ANSWERED.flatMap((n) => n.codes.map((code) => `${code} ${n.operation}`));

  it('every pair the guide lists is answered by the catalog or explained in NOT_ANSWERED, never both', () => {
    const answered = (p: GuidePair) => statusSource(p.code, p.operation) !== undefined;
    expect(
      GUIDE_PAIRS.filter((p) => !answered(p) && !notAnswered.includes(`${p.code} ${p.operation}`)).map(
        (p) => `${p.code} ${p.operation} (${p.section})`,
      ),
    ).toEqual([]);
    expect(
      GUIDE_PAIRS.filter((p) => answered(p) && notAnswered.includes(`${p.code} ${p.operation}`)).map(
        (p) => `${p.code} ${p.operation}`,
      ),
    ).toEqual([]);
    expect(notAnswered.filter((k) => !GUIDE_PAIRS.some((p) => `${p.code} ${p.operation}` === k))).toEqual([]); // explains only guide pairs
  });

  it('every catalog pair the guide does not list is a choice the entry explains (its note)', () => {
    const unexplained = STATUS_CODES.filter((e) => !e.note && e.operations.some((op) => !isGuidePair(e.code, op)));
    expect(unexplained.map((e) => e.code)).toEqual([]);
  });
});

const pairs = STATUS_CODES.flatMap((e) => e.operations.map((op) => ({ code: e.code, op, key: `${e.code} ${op}` })));

describe('every (code, operation) pair of the catalog is reachable through SOAP', () => {
  it('has a scenario for each pair, and no scenario outside the catalog', () => {
    expect(pairs.map((p) => p.key).filter((k) => !scenarios.has(k))).toEqual([]);
    expect([...scenarios.keys()].filter((k) => !pairs.some((p) => p.key === k))).toEqual([]);
  });

  it.each(pairs)('$op answers $code', async ({ code, key }) => {
    const answer = await scenarios.get(key)!();
    expect(answer.schemaProblems).toEqual([]);
    expect(answer.status).toBe(200);
    expect(answer.code).toBe(code);
  });
});

describe("the catalog's operation-specific triggers say what the mock does", () => {
  /** one call of each authenticated operation for, or about, a fresh +fail14 order */
  const withFail14: Record<string, () => Promise<SoapAnswer>> = {
    enroll: () => enroll({ email: `alice+fail14+n${++unique}@example.com` }),
    enrollUsingKUTemplates: () =>
      enroll(
        { email: `alice+fail14+n${++unique}@example.com`, templates: ['smime-standard'] },
        'enrollUsingKUTemplates',
      ),
    getCollectStatus: async () => orderOp('getCollectStatus', await order(`alice+fail14+n${++unique}@example.com`)),
    collect: async () => orderOp('collect', await order(`alice+fail14+n${++unique}@example.com`)),
    revoke: async () => orderOp('revoke', await order(`alice+fail14+n${++unique}@example.com`)),
    revokeBySerialNumber: async () => bySerial(serialOf(await order(`alice+fail14+n${++unique}@example.com`))),
    revokeAllByPerson: () => personWith(`alice+fail14+n${++unique}@example.com`),
  };

  it('+fail14 answers -14 exactly for the operations its tag row and the -14 triggers name', async () => {
    const answered: string[] = [];
    for (const [op, run] of Object.entries(withFail14)) {
      const answer = await run();
      expect(answer.schemaProblems).toEqual([]);
      if (answer.code === -14) answered.push(op);
      else expect(answer.code, op).toBeGreaterThanOrEqual(0); // carried out as usual
    }
    const inTagRow = /\(([^)]*)\)/.exec(SCRIPT_TAGS.fail14)![1].split(', ');
    const offeredByCatalog = STATUS_CODES.find((e) => e.code === -14)!.operations.filter((op) =>
      statusTrigger(-14, op).includes('or the `+fail14` email tag'),
    );
    expect(answered).toEqual(inTagRow);
    expect(offeredByCatalog).toEqual(inTagRow);
  });

  it('-101: enrolling into a suspended organization, and revokeAllByPerson naming one (Suspended Org in the fixture)', async () => {
    for (const op of ENROLLS) {
      expect(
        (await enroll({ orgId: 1004, secretKey: 'suspended-secret', email: 'a@suspended.example.net' }, op)).code,
      ).toBe(-101);
    }
    expect((await byPerson('a@suspended.example.net', 'Suspended Org')).code).toBe(-101);
  });
});
