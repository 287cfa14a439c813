import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { CERTIFICATE_FORMATS } from './ca/bundle.js';

/**
 * The learned wire profile: the file `ccm-mock proxy --profile-out` writes and `ccm-mock serve --profile` loads.
 * PROFILE_SCHEMA (zod) is the file's definition; the table in docs/proxy.md is generated from PROFILE_SETTINGS.
 * A setting is present only when the proxy saw evidence for it: an absent one means "not observed", and serve
 * keeps its own default (or what a flag or environment variable says) for it. Where observations disagree the
 * value seen most often is taken, and the others are counted as contradicting it.
 */

/** Every setting a profile may hold: the configuration key it fills, and what the proxy learns it from. */
export const PROFILE_SETTINGS = {
  namespace: {
    schema: z.string().url(),
    learnedFrom: "the namespace of the operation wrappers in the upstream's answers, and its ?wsdl's targetNamespace",
  },
  certificateFormat: {
    schema: z.enum(CERTIFICATE_FORMATS),
    learnedFrom:
      'collect answers carrying a certificate: base64 DER PKCS#7 is pkcs7, base64 DER X.509 is x509, PEM certificates are pem-chain (a PEM PKCS7 block has no setting and is reported, not learned)',
  },
  acceptUriAlias: {
    schema: z.boolean(),
    learnedFrom:
      'a request whose authData named the customer with `<URI>` alone: true when the upstream accepted it (no -100), false when it answered -100 to credentials it accepted as customerLoginUri',
  },
  strict: {
    schema: z.boolean(),
    learnedFrom:
      "a request the schema refuses but JAXB's lenient reading takes (children out of order, an unknown child): answered without a fault, false; an Unmarshalling Error fault, true",
  },
  serviceInfo: {
    schema: z.string().max(4096),
    learnedFrom: "getWebServiceInfo's answer",
  },
  validityDays: {
    schema: z.number().int().min(1).max(36_500),
    learnedFrom: "the collected leaf certificates' validity (notAfter - notBefore, rounded to whole days)",
  },
} as const;

export type ProfileSettingName = keyof typeof PROFILE_SETTINGS;
export const PROFILE_SETTING_NAMES = Object.keys(PROFILE_SETTINGS) as ProfileSettingName[];

const settingsShape = Object.fromEntries(
  PROFILE_SETTING_NAMES.map((name) => [name, PROFILE_SETTINGS[name].schema.optional()]),
) as { [K in ProfileSettingName]: z.ZodOptional<(typeof PROFILE_SETTINGS)[K]['schema']> };

const evidenceSchema = z
  .object({
    /** how many observations support the value */
    observations: z.number().int().min(1),
    /** observations of other values (the value is the one seen most often) */
    contradicting: z.number().int().min(0),
    firstSeen: z.string(),
    lastSeen: z.string(),
  })
  .strict();

export const PROFILE_SCHEMA = z
  .object({
    format: z.literal('ccm-mock-wire-profile'),
    version: z.literal(1),
    /** where and when the observations were made */
    learnedFrom: z
      .object({
        upstream: z.string(),
        firstExchange: z.string().optional(),
        lastExchange: z.string().optional(),
        exchanges: z.number().int().min(0),
      })
      .strict(),
    settings: z.object(settingsShape).strict(),
    /** per setting present, what supports it */
    evidence: z.partialRecord(
      z.enum(PROFILE_SETTING_NAMES as [ProfileSettingName, ...ProfileSettingName[]]),
      evidenceSchema,
    ),
  })
  .strict();

export type WireProfileFile = z.infer<typeof PROFILE_SCHEMA>;
export type ProfileSettings = WireProfileFile['settings'];

export class ProfileFileError extends Error {}

/** Read and check a profile file; a ProfileFileError names the file and the first problem. */
export function readProfileFile(file: string): WireProfileFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ProfileFileError(
      `cannot read the profile ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ProfileFileError(`the profile ${file} is not JSON: ${(err as Error).message}`);
  }
  const parsed = PROFILE_SCHEMA.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ProfileFileError(`the profile ${file}: ${issue.path.join('.') || '(top)'}: ${issue.message}`);
  }
  return parsed.data;
}
