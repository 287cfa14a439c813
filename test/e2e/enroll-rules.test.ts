import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountsFile } from '../../server/domain/accounts.js';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import { defaultAccounts, readCsr } from '../support/fixtures.js';
import { authXml, call, enrollXml, orderXml, SANDBOX, xmlEl, type EnrollFields } from '../support/soap.js';

/** The guide's enrollment rules in detail: CSR notations and algorithms, field limits, domains, auto-revoke. */

let mock: MockServer;
beforeAll(async () => {
  mock = await createMockServer();
});
afterAll(() => mock.close());

let n = 0;
async function enrollCode(fields: EnrollFields): Promise<number> {
  const answer = await call(
    mock.endpoint,
    'enroll',
    enrollXml({ csr: readCsr(), email: `rules${++n}@example.com`, ...fields }),
  );
  expect(answer.schemaProblems).toEqual([]);
  return answer.code;
}

const base64Of = (pem: string) => pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');

describe('CSR notations the guide allows ("with or without the -----BEGIN xxxxx----- header and footer")', () => {
  const pem = readCsr();
  const b64 = base64Of(pem);
  it.each([
    ['PEM', pem],
    ['PEM with NEW CERTIFICATE REQUEST', pem.replace(/CERTIFICATE REQUEST/g, 'NEW CERTIFICATE REQUEST')],
    ['PEM with CRLF line ends', pem.replace(/\n/g, '\r\n')],
    ['one-line base64', b64],
    ['multi-line bare base64', b64.replace(/.{64}/g, '$&\n')],
    ['base64 with surrounding whitespace', `\n  ${b64}  \n`],
  ])('%s is accepted', async (_name, csr) => {
    expect(await enrollCode({ csr })).toBeGreaterThan(0);
  });
});

describe('CSR algorithms and sizes', () => {
  it.each([
    'rsa-8192.csr',
    'rsa-2048-md5.csr',
    'rsa-2048-sha1.csr',
    'rsa-2048-sha384.csr',
    'rsa-4096-sha512.csr',
    'no-subject.csr',
  ])('%s is issued', async (file) => {
    const order = await enrollCode({ csr: readCsr(file) });
    expect(order).toBeGreaterThan(0);
    expect(mock.store.get(order)?.state).toBe('issued');
  });

  it.each(['ec-p256.csr', 'ed25519.csr', 'dsa.csr', 'rsa-pss.csr', 'rsa-2048-pss-signature.csr'])(
    '%s is an unsupported algorithm (-11)',
    async (file) => {
      expect(await enrollCode({ csr: readCsr(file) })).toBe(-11);
    },
  );

  // the guide says 512..8192 bits; the S/MIME Baseline Requirements (6.1.5) start at 2048, in whole bytes
  it.each(['rsa-384.csr', 'rsa-512.csr', 'rsa-2052.csr', 'rsa-8200.csr'])(
    '%s is an unsupported key size (-13)',
    async (file) => {
      expect(await enrollCode({ csr: readCsr(file) })).toBe(-13);
    },
  );

  it('a certificate instead of a CSR, and truncated DER, cannot be decoded (-10)', async () => {
    expect(await enrollCode({ csr: readCsr('certificate-not-csr.pem') })).toBe(-10);
    const bytes = Buffer.from(base64Of(readCsr()), 'base64');
    expect(await enrollCode({ csr: bytes.subarray(0, bytes.length - 30).toString('base64') })).toBe(-10);
    expect(await enrollCode({ csr: Buffer.from('hello world, not DER').toString('base64') })).toBe(-10);
  });

  it('text that is not base64 is -9, an empty CSR too', async () => {
    expect(
      await enrollCode({ csr: '-----BEGIN CERTIFICATE REQUEST-----\n@@@@\n-----END CERTIFICATE REQUEST-----' }),
    ).toBe(-9);
    expect(await enrollCode({ csr: '' })).toBe(-9);
  });
});

describe('field limits of the guide', () => {
  it('username: 64 characters accepted, 65 or blank refused (-30)', async () => {
    expect(await enrollCode({ username: 'u'.repeat(64) })).toBeGreaterThan(0);
    expect(await enrollCode({ username: 'u'.repeat(65) })).toBe(-30);
    expect(await enrollCode({ username: '   ' })).toBe(-30);
    // SBR 7.1.4.2: no subject attribute of metadata only
    for (const metadata of ['.', '-', ' . - ']) expect(await enrollCode({ username: metadata })).toBe(-30);
  });

  it('username: a mailbox address names the subject only when it is the enrolled one (-30 otherwise)', async () => {
    expect(await enrollCode({ username: 'bob@example.com', email: 'alice@example.com' })).toBe(-30);
    expect(await enrollCode({ username: 'Alice@Example.com', email: 'alice@example.com' })).toBeGreaterThan(0);
    // a mailbox-validated organization does not put the username in the subject
    const mailboxOrg = { orgId: 1005, secretKey: 'mailbox-secret', email: 'alice@mailbox.example.net' };
    expect(await enrollCode({ ...mailboxOrg, username: 'bob@example.com' })).toBeGreaterThan(0);
  });

  it('email: 128 characters accepted, 129 or malformed refused (-31)', async () => {
    const at128 = `${'e'.repeat(64)}@${'d'.repeat(51)}.example.com`;
    expect(at128.length).toBe(128);
    expect(await enrollCode({ email: at128 })).toBeGreaterThan(0); // a subdomain of example.com
    expect(await enrollCode({ email: `${'e'.repeat(64)}@${'d'.repeat(52)}.example.com` })).toBe(-31);
    for (const bad of ['plainaddress', 'a@b', 'a b@example.com', '.a@example.com'])
      expect(await enrollCode({ email: bad })).toBe(-31);
  });

  it('secretKey: the 20-character limit holds in the accounts fixture; a 20-character key works, a 21-character one stops the start', async () => {
    const withKey = (secretKey: string): AccountsFile => {
      const file = defaultAccounts();
      file.customers[0].organizations[0].secretKey = secretKey;
      return file;
    };
    const key20 = 'k'.repeat(20);
    const twenty = await createMockServer({ accounts: withKey(key20), ca: mock.ca });
    try {
      const answer = await call(twenty.endpoint, 'enroll', enrollXml({ csr: readCsr(), secretKey: key20 }));
      expect(answer.code).toBeGreaterThan(0);
      // so a longer key in a request can never be the organization's: -101 like any wrong key
      expect((await call(twenty.endpoint, 'enroll', enrollXml({ csr: readCsr(), secretKey: key20 + 'k' }))).code).toBe(
        -101,
      );
    } finally {
      await twenty.close();
    }
    await expect(createMockServer({ accounts: withKey('k'.repeat(21)), ca: mock.ca })).rejects.toThrow(
      'customers.0.organizations.0.secretKey: a secret key has at most 20 characters (guide 2.1.1.1)',
    );
  });

  it('csr: exactly 32767 characters accepted; 32768, the same valid request, refused as text (-9) before any decoding', async () => {
    const padded = (length: number) => readCsr() + '\n'.repeat(length - readCsr().length); // trailing blank lines are allowed
    expect(padded(32767)).toHaveLength(32767);
    expect(await enrollCode({ csr: padded(32767) })).toBeGreaterThan(0);
    expect(await enrollCode({ csr: padded(32768) })).toBe(-9);
  });

  it('reason: exactly 128 characters accepted by revoke and revokeBySerialNumber, 129 refused (-5)', async () => {
    const revokeWith = async (reason: string) =>
      (await call(mock.endpoint, 'revoke', orderXml(await enrollCode({}), SANDBOX, xmlEl('reason', reason)))).code;
    const bySerialWith = async (reason: string) => {
      const serial = mock.store.get(await enrollCode({}))!.certificate!.serial;
      return (
        await call(
          mock.endpoint,
          'revokeBySerialNumber',
          authXml() + xmlEl('serialNumber', serial) + xmlEl('reason', reason),
        )
      ).code;
    };
    for (const revoke of [revokeWith, bySerialWith]) {
      expect(await revoke('r'.repeat(128))).toBe(0);
      expect(await revoke('r'.repeat(129))).toBe(-5);
    }
  });

  it('orgId: unknown or missing is -101', async () => {
    expect(await enrollCode({ orgId: 4242 })).toBe(-101);
    const answer = await call(
      mock.endpoint,
      'enroll',
      authXml() +
        xmlEl('secretKey', 'sandbox-secret') +
        xmlEl('username', 'A') +
        xmlEl('email', 'a@example.com') +
        xmlEl('csr', readCsr()),
    );
    expect(answer.code).toBe(-101);
  });
});

describe('email domains and persons', () => {
  it('the organization domain and its subdomains are allowed, others are not (-111)', async () => {
    expect(await enrollCode({ email: 'a@mail.example.com' })).toBeGreaterThan(0);
    expect(await enrollCode({ email: 'a@example.org' })).toBe(-111); // Second Org's domain
    expect(await enrollCode({ email: 'a@notexample.com' })).toBe(-111);
  });

  it('auto-revoke: a second enroll for the same email revokes the first certificate when the organization says so', async () => {
    const secondOrg = { orgId: 1002, secretKey: 'second-secret' };
    const first = await enrollCode({ ...secondOrg, email: 'erin@example.org' });
    expect(mock.store.get(first)?.state).toBe('issued');
    const second = await enrollCode({ ...secondOrg, email: 'ERIN@example.org' });
    expect(mock.store.get(first)?.state).toBe('revoked');
    expect(mock.store.get(first)?.revocation?.by).toBe('auto-revoke');
    expect(mock.store.get(second)?.state).toBe('issued');
    // Sandbox Org does not auto-revoke
    const a = await enrollCode({ email: 'frank@example.com' });
    await enrollCode({ email: 'frank@example.com' });
    expect(mock.store.get(a)?.state).toBe('issued');
  });

  describe('auto-revoke when orders are issued out of order: "previous" means enrolled earlier', () => {
    const secondOrg = { orgId: 1002, secretKey: 'second-secret' };
    /** two enrollments for one person in Second Org (auto-revoke), held back until the admin issues them */
    async function twoPending(email: string) {
      mock.admin.updateOrganization(1002, { delay: '1h' });
      try {
        const older = await enrollCode({ ...secondOrg, email });
        const newer = await enrollCode({ ...secondOrg, email });
        expect([mock.store.get(older)?.state, mock.store.get(newer)?.state]).toEqual(['processing', 'processing']);
        return { older, newer };
      } finally {
        mock.admin.updateOrganization(1002, { delay: null });
      }
    }
    const state = (n: number) => {
      const o = mock.store.get(n)!;
      return { state: o.state, ...(o.revocation ? { by: o.revocation.by, reason: o.revocation.reason } : {}) };
    };

    it('issued in enrollment order: the newer certificate revokes the older one', async () => {
      const { older, newer } = await twoPending('ivan@example.org');
      mock.admin.issue(older);
      expect(state(older)).toEqual({ state: 'issued' });
      mock.admin.issue(newer);
      expect(state(older)).toEqual({ state: 'revoked', by: 'auto-revoke', reason: `superseded by order ${newer}` });
      expect(state(newer)).toEqual({ state: 'issued' });
    });

    it('issued in reverse: the older certificate, issued last, is superseded at once and the newer one stays', async () => {
      const { older, newer } = await twoPending('judy@example.org');
      mock.admin.issue(newer);
      mock.admin.issue(older);
      expect(state(newer)).toEqual({ state: 'issued' });
      expect(state(older)).toEqual({ state: 'revoked', by: 'auto-revoke', reason: `superseded by order ${newer}` });
      // it was issued (a certificate exists, on the CRL) before it was superseded
      expect(mock.store.get(older)?.certificate).toBeDefined();
      expect(mock.store.get(older)?.history.map((h) => h.state)).toEqual(['processing', 'issued', 'revoked']);
    });
  });

  it('revokeAllByPerson answers 0 for a person without certificates, and a department narrows the match', async () => {
    const byPerson = (email: string, dep: string) =>
      call(
        mock.endpoint,
        'revokeAllByPerson',
        authXml() + xmlEl('email', email) + xmlEl('org', 'Sandbox Org') + xmlEl('dep', dep),
      );
    expect((await byPerson('nobody@example.com', '')).code).toBe(0);
    const grace = await enrollCode({ email: 'grace@example.com' }); // in no department
    expect((await byPerson('grace@example.com', 'Engineering')).code).toBe(0);
    expect(mock.store.get(grace)?.state).toBe('issued');
    expect((await byPerson('grace@example.com', 'No Such Department')).code).toBe(-32);
    expect((await byPerson('grace@example.com', '')).code).toBe(0);
    expect(mock.store.get(grace)?.state).toBe('revoked');
  });

  it('revokeAllByPerson with nothing valid to revoke answers why, as revoke would: -26 before -21 before -20', async () => {
    // one person whose orders wait an hour, moved on through the admin handle
    const person = 'lee+delay1h@example.com';
    const byPerson = async () =>
      (await call(mock.endpoint, 'revokeAllByPerson', authXml() + xmlEl('email', person) + xmlEl('org', 'Sandbox Org')))
        .code;
    const a = await enrollCode({ email: person });
    expect(await byPerson()).toBe(-26); // still processing
    mock.admin.reject(a);
    expect(await byPerson()).toBe(-20);
    const b = await enrollCode({ email: person });
    mock.admin.issue(b);
    expect(await byPerson()).toBe(0);
    expect(mock.store.get(b)?.state).toBe('revoked');
    expect(await byPerson()).toBe(-21); // revoked already, over the rejected one
    const c = await enrollCode({ email: person });
    expect(await byPerson()).toBe(-26); // on its way: a later call can revoke it
    mock.admin.issue(c);
    expect(await byPerson()).toBe(0);
    expect(mock.store.get(c)?.state).toBe('revoked');
  });

  it('revokeAllByPerson revokes what is valid and answers 0, leaving an order still being processed as it is', async () => {
    const person = 'mia+delay1h@example.com';
    const valid = await enrollCode({ email: person });
    mock.admin.issue(valid);
    const pending = await enrollCode({ email: person });
    expect(
      (await call(mock.endpoint, 'revokeAllByPerson', authXml() + xmlEl('email', person) + xmlEl('org', 'Sandbox Org')))
        .code,
    ).toBe(0);
    expect([mock.store.get(valid)?.state, mock.store.get(pending)?.state]).toEqual(['revoked', 'processing']);
  });
});

describe('order ownership and precedence', () => {
  it("an order number unknown and another customer's order look the same (-2)", async () => {
    const order = await enrollCode({});
    const other = { login: 'other-admin', password: 'other', customerLoginUri: 'other' };
    expect((await call(mock.endpoint, 'collect', orderXml(order, other))).code).toBe(-2);
    expect((await call(mock.endpoint, 'collect', orderXml(2_000_000_000, other))).code).toBe(-2);
  });

  it('an admin limited to one organization does all of it there: second-admin in Second Org (1002)', async () => {
    const second = { login: 'second-admin', password: 'second', customerLoginUri: 'sandbox' };
    const enrollSecond = async (email: string) => {
      const answer = await call(
        mock.endpoint,
        'enroll',
        enrollXml({ auth: second, orgId: 1002, secretKey: 'second-secret', email, csr: readCsr() }),
      );
      expect(answer.schemaProblems).toEqual([]);
      expect(answer.code).toBeGreaterThan(0);
      return answer.code;
    };
    const order = await enrollSecond('olga@example.org');
    expect((await call(mock.endpoint, 'getCollectStatus', orderXml(order, second))).code).toBe(1);
    const collected = await call(mock.endpoint, 'collect', orderXml(order, second));
    expect(collected.code).toBe(1);
    expect(collected.fields.certificate).toBeTruthy();
    expect(
      (await call(mock.endpoint, 'revoke', orderXml(order, second, xmlEl('reason', 'left the company')))).code,
    ).toBe(0);
    expect(mock.store.get(order)?.state).toBe('revoked');
    const bySerial = mock.store.get(await enrollSecond('pat@example.org'))!.certificate!.serial;
    expect(
      (
        await call(
          mock.endpoint,
          'revokeBySerialNumber',
          authXml(second) + xmlEl('serialNumber', bySerial) + xmlEl('reason', ''),
        )
      ).code,
    ).toBe(0);
    const byPerson = await enrollSecond('quinn@example.org');
    expect(
      (
        await call(
          mock.endpoint,
          'revokeAllByPerson',
          authXml(second) + xmlEl('email', 'quinn@example.org') + xmlEl('org', 'Second Org'),
        )
      ).code,
    ).toBe(0);
    expect(mock.store.get(byPerson)?.state).toBe('revoked');
  });

  it('bad auth data wins over everything else (-100 before -120 and -1)', async () => {
    const readonlyWrong = { login: 'readonly-admin', password: 'wrong', customerLoginUri: 'readonly' };
    expect((await call(mock.endpoint, 'collect', orderXml(0, readonlyWrong))).code).toBe(-100);
    expect((await call(mock.endpoint, 'collect', orderXml(0, { ...SANDBOX, customerLoginUri: 'nope' }))).code).toBe(
      -100,
    );
  });

  it('getKUTemplates answers an empty list to bad auth data', async () => {
    const answer = await call(mock.endpoint, 'getKUTemplates', authXml({ ...SANDBOX, password: 'x' }));
    expect(answer.schemaProblems).toEqual([]);
    expect(answer.returns).toEqual([]);
  });
});
