import { z } from 'zod';
import { ISO_3166_ALPHA2 } from '../ca/iso3166.js';
import { OID } from '../ca/oids.js';
import { VALIDATION_TYPES, type ValidationType } from '../ca/smime-profile.js';

/**
 * Who an organization's certificates name, and how: the validation type the organization's certificates are
 * issued under (fixture `validation`), and the subject a certificate gets from validated data only (SBR
 * 7.1.4.2): the enrolled username (the guide: "This value will be set for the subject 'CN'"), the enrolled
 * email (domain-checked at enroll, -111) and the organization's validated name and registration. Nothing
 * comes from the CSR's subject. docs/certificate-profiles.md describes each type.
 */

/** How a sponsor- or individual-validated subject carries the person: a name read from the username, or a pseudonym. */
export const PERSONAL_NAME_FORMS = ['derived', 'pseudonym'] as const;
export type PersonalNameForm = (typeof PERSONAL_NAME_FORMS)[number];

/**
 * SBR 7.1.4.2.2 (d): scheme (3 letters) + country (2) [+ subdivision] - reference. The schemes of SBR
 * Appendix A; LEI and INT are global ("XG"), GOV and INT carry no reference.
 */
const ORGANIZATION_IDENTIFIER =
  /^(?:(?:NTR|VAT|PSD)[A-Z]{2}(?:\+[A-Z0-9]{1,3})?-.+|LEIXG-[0-9A-Z]{18}[0-9]{2}|GOV[A-Z]{2}(?:\+[A-Z0-9]{1,3})?|INTXG)$/;

/** The types whose subject names the organization (SBR 7.1.4.2.4, 7.1.4.2.5: organizationName and -Identifier SHALL). */
const NAMES_ORGANIZATION: ReadonlySet<ValidationType> = new Set(['organization', 'sponsored']);
/** The types whose subject names a person (SBR 7.1.4.2.5, 7.1.4.2.6): the username is their CN. */
const NAMES_PERSON: ReadonlySet<ValidationType> = new Set(['sponsored', 'individual']);

/** An organization's `validation` in the accounts fixture, as written; `certificateValidation` completes it. */
export const validationSchema = z
  .object({
    /** the certificate type of the organization's certificates (SBR 7.1.4.2.3 - 7.1.4.2.6) */
    type: z.enum(VALIDATION_TYPES).default('sponsored'),
    /** sponsored, individual: givenName/surname read from the username (default), or the username as a pseudonym */
    personalName: z.enum(PERSONAL_NAME_FORMS).optional(),
    /** organization, sponsored: the registration reference (SBR 7.1.4.2.2 d); default NTR<country or US>-CCMMOCK<orgId> */
    organizationIdentifier: z
      .string()
      .max(64)
      .regex(
        ORGANIZATION_IDENTIFIER,
        'a registration scheme and reference as SBR 7.1.4.2.2 (d) writes them, e.g. NTRGB-12345678',
      )
      .optional(),
    /** organization, sponsored: the organization's country (ISO 3166-1 alpha-2), as subject C */
    country: z
      .string()
      .refine((c) => ISO_3166_ALPHA2.has(c), 'an ISO 3166-1 alpha-2 country code in capitals')
      .optional(),
  })
  .superRefine((v, ctx) => {
    const refuse = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    const certificate = `${/^[aeiou]/.test(v.type) ? 'an' : 'a'} ${v.type}-validated certificate`;
    if (v.personalName !== undefined && !NAMES_PERSON.has(v.type))
      refuse('personalName', `${certificate} names no person (SBR 7.1.4.2)`);
    if (!NAMES_ORGANIZATION.has(v.type)) {
      if (v.organizationIdentifier !== undefined)
        refuse('organizationIdentifier', `${certificate} names no organization (SBR 7.1.4.2)`);
      if (v.country !== undefined) refuse('country', `${certificate} names no organization's country`);
    }
    const idCountry = v.organizationIdentifier?.slice(3, 5);
    if (v.country !== undefined && idCountry !== undefined && idCountry !== 'XG' && idCountry !== v.country)
      refuse(
        'organizationIdentifier',
        `its country ${idCountry} is not the organization's ${v.country} (SBR 7.1.4.2.2 d, note 1)`,
      );
  });

/** An organization's validation with its defaults filled in. */
export interface CertificateValidation {
  type: ValidationType;
  /** sponsored, individual */
  personalName?: PersonalNameForm;
  /** organization, sponsored */
  organizationIdentifier?: string;
  /** organization, sponsored, when the fixture gives it */
  country?: string;
}

/** The validation an organization's certificates get: the fixture's, its blanks filled with the defaults. */
export function certificateValidation(
  orgId: number,
  given: z.output<typeof validationSchema> | undefined,
): CertificateValidation {
  const type = given?.type ?? 'sponsored';
  return {
    type,
    ...(NAMES_PERSON.has(type) ? { personalName: given?.personalName ?? 'derived' } : {}),
    ...(NAMES_ORGANIZATION.has(type)
      ? {
          organizationIdentifier: given?.organizationIdentifier ?? `NTR${given?.country ?? 'US'}-CCMMOCK${orgId}`,
          ...(given?.country ? { country: given.country } : {}),
        }
      : {}),
  };
}

/** The organization as its certificates name it. */
export interface ValidatedOrganization {
  name: string;
  validation: CertificateValidation;
}

/**
 * How an order names its organization when the fixture no longer has it (a data directory kept across a
 * changed accounts file): by the enrolled mailbox alone, the one thing validated at enroll.
 */
export const UNKNOWN_ORGANIZATION: ValidatedOrganization = { name: '', validation: { type: 'mailbox' } };

type Attribute = readonly [string, string];

/** ub-common-name (RFC 5280): a mailbox address longer than this cannot be a CN. */
const CN_MAX = 64;

/** A username that reads as a mailbox address; a certificate may name only the validated one (SBR 7.1.4.2). */
const looksLikeMailbox = (username: string) => username.includes('@');

/**
 * Why this username cannot name the subject of this organization's certificates, or undefined when it can: a
 * person's name that is a mailbox address other than the enrolled one would put an unvalidated address in
 * the certificate (SBR 7.1.4.2: "CAs SHALL NOT include a Mailbox Address ... except as verified").
 */
export function usernameProblem(org: ValidatedOrganization, username: string, email: string): string | undefined {
  if (!NAMES_PERSON.has(org.validation.type)) return undefined;
  if (looksLikeMailbox(username) && username.toLowerCase() !== email.toLowerCase())
    return `the username ${username} is a mailbox address other than the enrolled ${email}`;
  return undefined;
}

/**
 * givenName and surname read from a username: the last word is the surname, the words before it the given
 * name; a single word is a surname alone (SBR 7.1.4.2.2 e: "Subjects with a single legal name SHALL provide
 * the name in the subject:surname attribute").
 */
export function personalName(username: string): { givenName?: string; surname: string } {
  const words = username.trim().split(/\s+/);
  const surname = words.pop()!;
  return words.length ? { givenName: words.join(' '), surname } : { surname };
}

/**
 * The subject of a certificate for `username` at `email` in this organization, attribute by attribute, in
 * the order written (SBR 7.1.4.2.3 - 7.1.4.2.6):
 * - mailbox: CN and emailAddress, both the enrolled email;
 * - organization: [C], O, organizationIdentifier, CN = email, emailAddress;
 * - sponsored: [C], O, organizationIdentifier, then the person (givenName/surname or pseudonym), CN = username,
 *   emailAddress;
 * - individual: the person, CN = username, emailAddress.
 * A username that is the enrolled mailbox address itself (usernameProblem allows no other) is carried as a
 * pseudonym: it is no name to split. The CN is left out where it would exceed 64 characters.
 */
export function leafSubject(org: ValidatedOrganization, username: string, email: string): Attribute[] {
  const { type, personalName: form, organizationIdentifier, country } = org.validation;
  const attrs: Attribute[] = [];
  if (NAMES_ORGANIZATION.has(type)) {
    if (country) attrs.push([OID.countryName, country]);
    attrs.push([OID.organizationName, org.name], [OID.organizationIdentifier, organizationIdentifier!]);
  }
  let commonName = email;
  if (NAMES_PERSON.has(type)) {
    const name = username.trim();
    if (form === 'pseudonym' || looksLikeMailbox(name)) attrs.push([OID.pseudonym, name]);
    else {
      const { givenName, surname } = personalName(name);
      if (givenName) attrs.push([OID.givenName, givenName]);
      attrs.push([OID.surname, surname]);
    }
    commonName = name;
  }
  if (commonName.length <= CN_MAX) attrs.push([OID.commonName, commonName]);
  attrs.push([OID.emailAddress, email]);
  return attrs;
}
