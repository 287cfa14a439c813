import { createPrivateKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { caCertificate, type CaCertificate } from './ca-certificate.js';
import { hasExtension } from './cert-fields.js';
import { buildCertificate, ext, fromPem, keyIdentifier, name, randomSerial } from './certificate.js';
import { children, readBitStringOctets, readWhole } from './der-reader.js';
import { writeFileDurably } from './durable-file.js';
import { intermediateUrlExtensions, intermediateVariants, type IssuingCertificate } from './intermediate-variants.js';
import { OID, KEY_USAGE_BITS } from './oids.js';
import { ISSUING_CA_EKUS } from './smime-profile.js';

/**
 * The test CA: a root and an issuing intermediate, named so nobody mistakes them for real ones.
 * Made on first start (kept in the data directory when there is one), or loaded from configured PEM files.
 */

export const ROOT_NAME = 'ccm-mock TEST Root CA - NOT FOR PRODUCTION';
export const ISSUING_NAME = 'ccm-mock TEST S/MIME Issuing CA - NOT FOR PRODUCTION';
const ORG_NAME = 'ccm-mock (test certificates only)';
/**
 * A CA's subject names its country (SBR 7.1.4.3.1 c); the test CA has no place of business, so it gives
 * ISO 3166's user-assigned "XX", the code the SBR prescribe where no official one applies.
 */
const CA_COUNTRY = 'XX';

export interface TestCa {
  root: CaCertificate;
  /** the issuing CA as stored (generated, kept in the data directory, or configured) */
  issuing: IssuingCertificate;
  /**
   * The issuing CA's certificate whose CRL and caIssuers URLs are under `baseUrl` (the URL a client reached
   * the mock at): a variant signed by the root, or `issuing` itself (server/ca/intermediate-variants.ts).
   */
  issuingFor(baseUrl: string): IssuingCertificate;
  /** where the CA came from, for the start-up banner */
  origin: string;
}

export interface CaFiles {
  rootCertFile?: string;
  rootKeyFile?: string;
  issuingCertFile?: string;
  issuingKeyFile?: string;
}

export interface ObtainCaOptions extends CaFiles {
  /** the mock's base URL, written into the CA certificates' CRL and AIA extensions */
  baseUrl: string;
  /** directory to keep a generated CA in; without it the CA lives only as long as the process */
  dataDir?: string;
  keyBits?: number;
  /** real time (default: now) */
  now?: Date;
  /** the mock's clock at start, when it is not real time: a generated CA is valid then too */
  mockNow?: Date;
}

const generateRsa = promisify(generateKeyPair);

const YEAR_MS = 365 * 24 * 3600 * 1000;
/** a generated root's term, in (365-day) years from the later of real time and the mock's time; the intermediate's is half */
export const ROOT_TERM_YEARS = 20;
/** a CA's validity starts this long before it is made, so a relying party whose clock is a little behind accepts it */
const CA_BACKDATE_MS = 3600 * 1000;

/**
 * A fresh root + issuing CA pair. With `mockNow` (the mock's clock, set to the past or the future) the
 * validity runs from the earlier of the two times to the full term after the later, so leaves issued on the
 * mock's clock verify at the mock's time (openssl verify -attime) as well as now.
 */
export async function generateTestCa(opts: {
  baseUrl: string;
  keyBits?: number;
  now?: Date;
  mockNow?: Date;
}): Promise<TestCa> {
  const bits = opts.keyBits ?? 2048;
  const real = (opts.now ?? new Date()).getTime();
  const mock = opts.mockNow?.getTime() ?? real;
  // whole seconds, as certificates carry them
  const notBefore = new Date(Math.floor((Math.min(real, mock) - CA_BACKDATE_MS) / 1000) * 1000);
  const from = Math.max(real, mock);
  const urlExtensions = intermediateUrlExtensions(opts.baseUrl);
  const [rootPair, issuingPair] = await Promise.all([
    generateRsa('rsa', { modulusLength: bits }),
    generateRsa('rsa', { modulusLength: bits }),
  ]);
  const spkiOf = (k: KeyObject) => k.export({ type: 'spki', format: 'der' });
  const keyBitsOf = (spki: Buffer) => readBitStringOctets(children(readWhole(spki))[1]);

  const rootSpki = spkiOf(rootPair.publicKey);
  const rootId = keyIdentifier(keyBitsOf(rootSpki));
  const rootName = name([
    [OID.countryName, CA_COUNTRY],
    [OID.organizationName, ORG_NAME],
    [OID.commonName, ROOT_NAME],
  ]);
  const rootDer = buildCertificate(
    {
      serial: randomSerial(),
      issuer: rootName,
      subject: rootName,
      spki: rootSpki,
      notBefore,
      notAfter: new Date(Math.floor(from / 1000) * 1000 + ROOT_TERM_YEARS * YEAR_MS),
      extensions: [
        ext.basicConstraints(true),
        ext.keyUsage([KEY_USAGE_BITS.keyCertSign, KEY_USAGE_BITS.cRLSign]),
        ext.subjectKeyIdentifier(rootId),
      ],
    },
    rootPair.privateKey,
  );

  const issuingSpki = spkiOf(issuingPair.publicKey);
  const issuingId = keyIdentifier(keyBitsOf(issuingSpki));
  const issuingDer = buildCertificate(
    {
      serial: randomSerial(),
      issuer: rootName,
      subject: name([
        [OID.countryName, CA_COUNTRY],
        [OID.organizationName, ORG_NAME],
        [OID.commonName, ISSUING_NAME],
      ]),
      spki: issuingSpki,
      notBefore,
      notAfter: new Date(Math.floor(from / 1000) * 1000 + (ROOT_TERM_YEARS / 2) * YEAR_MS),
      // the profile of SBR 7.1.2.2; no digitalSignature: OCSP answers are signed by a delegated responder
      extensions: [
        ext.basicConstraints(true, 0),
        ext.keyUsage([KEY_USAGE_BITS.keyCertSign, KEY_USAGE_BITS.cRLSign]),
        ext.extKeyUsage(ISSUING_CA_EKUS),
        urlExtensions.policies,
        ext.subjectKeyIdentifier(issuingId),
        ext.authorityKeyIdentifier(rootId),
        urlExtensions.cdp,
        urlExtensions.aia,
      ],
    },
    rootPair.privateKey,
  );

  return testCa(
    caCertificate(rootDer, rootPair.privateKey),
    caCertificate(issuingDer, issuingPair.privateKey),
    'generated',
  );
}

function readPem(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(
      `cannot read the ${what} file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      { cause: err },
    );
  }
}

function certFromFile(file: string, what: string): Buffer {
  const [first] = fromPem(readPem(file, what), 'CERTIFICATE');
  if (!first) throw new Error(`the ${what} file ${file} holds no PEM certificate`);
  return first;
}

function keyFromFile(file: string, what: string): KeyObject {
  try {
    return createPrivateKey(readPem(file, what));
  } catch (err) {
    throw new Error(`the ${what} file ${file} holds no readable private key: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/** Load a CA from PEM files: the issuing certificate and key are required, the root certificate too. */
export function loadTestCa(
  files: Required<Pick<CaFiles, 'rootCertFile' | 'issuingCertFile' | 'issuingKeyFile'>> & CaFiles,
  origin: string,
): TestCa {
  const root = caCertificate(
    certFromFile(files.rootCertFile, 'root certificate'),
    files.rootKeyFile ? keyFromFile(files.rootKeyFile, 'root key') : undefined,
  );
  const issuing = caCertificate(
    certFromFile(files.issuingCertFile, 'issuing certificate'),
    keyFromFile(files.issuingKeyFile, 'issuing key'),
  );
  if (!issuing.x509.verify(root.x509.publicKey)) {
    throw new Error(`the issuing certificate ${files.issuingCertFile} is not signed by the root ${files.rootCertFile}`);
  }
  return testCa(root, issuing, origin);
}

function testCa(root: CaCertificate, issuing: CaCertificate, origin: string): TestCa {
  const withKey = issuing as IssuingCertificate;
  return { root, issuing: withKey, issuingFor: intermediateVariants(withKey, root.key), origin };
}

/** The CA to run with: configured files, else the one kept in the data directory, else a new one (kept there if there is one). */
export async function obtainTestCa(opts: ObtainCaOptions): Promise<TestCa> {
  return existingTestCa(opts) ?? newTestCa(opts);
}

const keptFiles = (dataDir: string) => {
  const dir = join(dataDir, 'ca');
  return {
    dir,
    rootCertFile: join(dir, 'root.pem'),
    rootKeyFile: join(dir, 'root.key'),
    issuingCertFile: join(dir, 'intermediate.pem'),
    issuingKeyFile: join(dir, 'intermediate.key'),
  };
};

/** A CA that exists already: configured files, or one kept in the data directory; undefined when one must be made. */
export function existingTestCa(opts: ObtainCaOptions): TestCa | undefined {
  const configured = [opts.rootCertFile, opts.issuingCertFile, opts.issuingKeyFile];
  if (configured.some(Boolean)) {
    if (!configured.every(Boolean)) {
      throw new Error(
        'a configured CA needs the root certificate, the issuing certificate and the issuing key files (root key optional)',
      );
    }
    return loadTestCa(opts as Parameters<typeof loadTestCa>[0], 'configured files');
  }
  if (!opts.dataDir) return undefined;
  const { dir, ...files } = keptFiles(opts.dataDir);
  return existsSync(files.issuingKeyFile) ? loadTestCa(files, dir) : undefined;
}

/** A new CA, kept in the data directory when there is one. */
export async function newTestCa(opts: ObtainCaOptions): Promise<TestCa> {
  const ca = await generateTestCa(opts);
  if (!opts.dataDir) return ca;
  const { dir, ...files } = keptFiles(opts.dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keyPem = (k: KeyObject) => k.export({ type: 'pkcs8', format: 'pem' }) as string;
  writeFileDurably(files.rootCertFile, ca.root.pem);
  writeFileDurably(files.rootKeyFile, keyPem(ca.root.key!), 0o600);
  writeFileDurably(files.issuingCertFile, ca.issuing.pem);
  // the key last: its presence marks a complete CA directory
  writeFileDurably(files.issuingKeyFile, keyPem(ca.issuing.key), 0o600);
  return { ...ca, origin: `${dir} (generated)` };
}

/**
 * Why the issuing CA is not what ccm-mock makes today, for the start-up log; undefined when it is. A CA kept
 * from an earlier version (or configured) without certificatePolicies leaves the S/MIME policies its leaves
 * name out of their chain (SBR 7.1.2.2 a).
 */
export function caProfileWarning(ca: TestCa): string | undefined {
  if (hasExtension(ca.issuing.der, OID.certificatePolicies)) return undefined;
  return "the issuing CA has no certificatePolicies (made by an earlier ccm-mock, or configured so): the S/MIME policies its certificates name are not in their chain; delete the data directory's ca folder for a new CA (docs/certificate-profiles.md)";
}
