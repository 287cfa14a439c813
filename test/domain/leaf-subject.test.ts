import { describe, expect, it } from 'vitest';
import { OID } from '../../server/ca/oids.js';
import { parseAccounts, type AccountsFile } from '../../server/domain/accounts.js';
import {
  certificateValidation,
  leafSubject,
  personalName,
  usernameProblem,
  type ValidatedOrganization,
} from '../../server/domain/leaf-subject.js';
import { defaultAccounts } from '../support/fixtures.js';

/** The accounts fixture's `validation` and templates as the S/MIME Baseline Requirements bound them, and the subject mapping. */

const names: Record<string, string> = {
  [OID.countryName]: 'C',
  [OID.organizationName]: 'O',
  [OID.organizationIdentifier]: 'organizationIdentifier',
  [OID.givenName]: 'GN',
  [OID.surname]: 'SN',
  [OID.pseudonym]: 'pseudonym',
  [OID.commonName]: 'CN',
  [OID.emailAddress]: 'emailAddress',
};
const readable = (attrs: ReadonlyArray<readonly [string, string]>) => attrs.map(([oid, v]) => `${names[oid]}=${v}`);
const org = (validation: Parameters<typeof certificateValidation>[1], orgId = 7): ValidatedOrganization => ({
  name: 'Acme',
  validation: certificateValidation(orgId, validation),
});

/** the default fixture with one change, parsed: the error message, or undefined when it loads */
function loadWith(change: (file: AccountsFile) => void): string | undefined {
  const file = defaultAccounts();
  change(file);
  try {
    parseAccounts(JSON.parse(JSON.stringify(file)));
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

describe('an organization without `validation` (every fixture written before it existed)', () => {
  it('is sponsor-validated with a name read from the username, so the username stays the CN', () => {
    expect(certificateValidation(4242, undefined)).toEqual({
      type: 'sponsored',
      personalName: 'derived',
      organizationIdentifier: 'NTRUS-CCMMOCK4242',
    });
    expect(readable(leafSubject(org(undefined), 'Mary Ann Smith', 'mary@acme.example'))).toEqual([
      'O=Acme',
      'organizationIdentifier=NTRUS-CCMMOCK7',
      'GN=Mary Ann',
      'SN=Smith',
      'CN=Mary Ann Smith',
      'emailAddress=mary@acme.example',
    ]);
  });

  it("the default fixture's organizations without one load that way", () => {
    const file = parseAccounts(defaultAccounts());
    const noApi = file.customers[0].organizations.find((o) => o.orgId === 1003)!;
    expect(noApi.validation).toEqual({
      type: 'sponsored',
      personalName: 'derived',
      organizationIdentifier: 'NTRUS-CCMMOCK1003',
    });
  });
});

describe('the subject', () => {
  it('a personal name: the last word is the surname, a single name a surname alone (SBR 7.1.4.2.2 e)', () => {
    expect(personalName('  Jean  Luc Picard ')).toEqual({ givenName: 'Jean Luc', surname: 'Picard' });
    expect(personalName('Cher')).toEqual({ surname: 'Cher' });
  });

  it('a pseudonym replaces givenName and surname (SBR 7.1.4.2.2 f), and the country comes with the organization', () => {
    expect(
      readable(
        leafSubject(org({ type: 'sponsored', personalName: 'pseudonym', country: 'DE' }), 'Agent 7', 'a@x.example'),
      ),
    ).toEqual([
      'C=DE',
      'O=Acme',
      'organizationIdentifier=NTRDE-CCMMOCK7',
      'pseudonym=Agent 7',
      'CN=Agent 7',
      'emailAddress=a@x.example',
    ]);
  });

  it('a username that is the enrolled mailbox is a pseudonym, no name to split; another mailbox is refused', () => {
    const sponsored = org(undefined);
    expect(readable(leafSubject(sponsored, 'a@x.example', 'a@x.example')).slice(2)).toEqual([
      'pseudonym=a@x.example',
      'CN=a@x.example',
      'emailAddress=a@x.example',
    ]);
    expect(usernameProblem(sponsored, 'A@X.example', 'a@x.example')).toBeUndefined();
    expect(usernameProblem(sponsored, 'b@x.example', 'a@x.example')).toMatch(/other than the enrolled/);
    // the mailbox and organization types do not name the username at all
    expect(usernameProblem(org({ type: 'mailbox' }), 'b@x.example', 'a@x.example')).toBeUndefined();
  });

  it('a mailbox address longer than a CN may be (64) leaves the CN out; emailAddress and the SAN still carry it', () => {
    const long = `${'m'.repeat(60)}@x.example`;
    expect(readable(leafSubject(org({ type: 'mailbox' }), 'ignored', long))).toEqual([`emailAddress=${long}`]);
    expect(readable(leafSubject(org({ type: 'mailbox' }), 'ignored', 'm@x.example'))).toEqual([
      'CN=m@x.example',
      'emailAddress=m@x.example',
    ]);
  });
});

describe('the fixture refuses what no certificate of that type may carry', () => {
  const sandbox = (f: AccountsFile) => f.customers[0].organizations[0] as Record<string, unknown>;

  it.each([
    [
      { type: 'mailbox', organizationIdentifier: 'NTRGB-1' },
      'organizationIdentifier: a mailbox-validated certificate names no organization',
    ],
    [
      { type: 'individual', country: 'US' },
      "country: an individual-validated certificate names no organization's country",
    ],
    [
      { type: 'organization', personalName: 'derived' },
      'personalName: an organization-validated certificate names no person',
    ],
    [{ type: 'sponsored', country: 'ZZ' }, 'country: an ISO 3166-1 alpha-2 country code'],
    [
      { type: 'sponsored', organizationIdentifier: 'Acme Inc' },
      'organizationIdentifier: a registration scheme and reference',
    ],
    [
      { type: 'sponsored', country: 'US', organizationIdentifier: 'NTRGB-123' },
      "its country GB is not the organization's US",
    ],
    [{ type: 'legacy' }, 'validation.type'],
  ])('%j', (validation, message) => {
    expect(loadWith((f) => (sandbox(f).validation = validation))).toContain(message);
  });

  it('accepts the registration schemes of SBR Appendix A; with a country, the same one or a global (XG) scheme', () => {
    const accepts = (organizationIdentifier: string, country?: string) =>
      loadWith(
        (f) =>
          (sandbox(f).validation = { type: 'organization', organizationIdentifier, ...(country ? { country } : {}) }),
      );
    for (const id of [
      'NTRGB-12345678',
      'NTRUS+CA-12345678',
      'VATDE-123456789',
      'PSDBE-NBB-1234.567.890',
      'GOVUS',
      'INTXG',
    ])
      expect(accepts(id)).toBeUndefined();
    expect(accepts('NTRUS+CA-12345678', 'US')).toBeUndefined();
    expect(accepts('LEIXG-5493001KJTIIGC8Y1R12', 'US')).toBeUndefined();
    expect(accepts('INTXG', 'FR')).toBeUndefined();
  });
});

describe('the fixture refuses templates the S/MIME test CA cannot issue', () => {
  // as JSON: the fixture's text, before the schema reads it
  const withTemplate = (t: Record<string, unknown>) =>
    loadWith((f) => (f.customers[0].templates as unknown[]).push({ shortName: 'x', ...t }));

  it.each([
    [
      { keyUsages: ['digitalSignature'], extKeyUsages: ['codeSigning'] },
      'EKU 1.3.6.1.5.5.7.3.3 is not for an S/MIME CA',
    ],
    [{ keyUsages: ['digitalSignature'], extKeyUsages: ['emailProtection', 'serverAuth'] }, 'EKU 1.3.6.1.5.5.7.3.1'],
    [{ keyUsages: ['digitalSignature'], extKeyUsages: [{ oid: '2.5.29.37.0', name: 'any' }] }, 'EKU 2.5.29.37.0'],
    [{ keyUsages: ['digitalSignature'], extKeyUsages: [] }, 'at least one EKU'],
    [{ keyUsages: [], extKeyUsages: ['emailProtection'] }, 'digitalSignature (signing), keyEncipherment'],
    [
      { keyUsages: ['nonRepudiation'], extKeyUsages: ['emailProtection'] },
      'digitalSignature (signing), keyEncipherment',
    ],
    [
      { keyUsages: ['nonRepudiation', 'keyEncipherment'], extKeyUsages: ['emailProtection'] },
      'nonRepudiation needs digitalSignature',
    ],
    [
      { keyUsages: ['keyEncipherment', 'dataEncipherment'], extKeyUsages: ['emailProtection'] },
      'dataEncipherment is not allowed for an RSA key in a Strict certificate',
    ],
    [
      { keyUsages: ['digitalSignature', 'keyCertSign'], extKeyUsages: ['clientAuth'] },
      'keyCertSign is not allowed for an RSA key',
    ],
    [{ keyUsages: ['keyAgreement'], extKeyUsages: ['emailProtection', 'clientAuth'] }, 'keyAgreement is not allowed'],
  ])('%j', (template, message) => {
    expect(withTemplate(template)).toContain(message);
  });

  it('accepts dataEncipherment beside keyEncipherment in a Multipurpose template, and anything in a retired one (never issued: -113)', () => {
    expect(
      withTemplate({
        keyUsages: ['keyEncipherment', 'dataEncipherment'],
        extKeyUsages: ['emailProtection', 'clientAuth'],
      }),
    ).toBeUndefined();
    expect(withTemplate({ keyUsages: ['keyCertSign'], extKeyUsages: ['codeSigning'], retired: true })).toBeUndefined();
  });
});
