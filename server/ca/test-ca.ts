import { createPrivateKey, generateKeyPair, randomBytes, X509Certificate, type KeyObject } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildCertificate, ext, fromPem, keyIdentifier, name, toPem } from './certificate.js';
import { children, expectTag, raw, readBitStringOctets, readOid, readWhole, content } from './der-reader.js';
import { OID, KEY_USAGE_BITS } from './oids.js';
import { caUrls } from './urls.js';

/**
 * The test CA: a root and an issuing intermediate, named so nobody mistakes them for real ones.
 * Made on first start (kept in the data directory when there is one), or loaded from configured PEM files.
 */

export const ROOT_NAME = 'ccm-mock TEST Root CA - NOT FOR PRODUCTION';
export const ISSUING_NAME = 'ccm-mock TEST S/MIME Issuing CA - NOT FOR PRODUCTION';
const ORG_NAME = 'ccm-mock (test certificates only)';

export interface CaCertificate {
  der: Buffer;
  pem: string;
  x509: X509Certificate;
  /** raw DER of the subject Name, used verbatim as the issuer of what this CA signs */
  subject: Buffer;
  /** SubjectKeyIdentifier, used as the AuthorityKeyIdentifier of what this CA signs */
  keyId: Buffer;
  key?: KeyObject;
}

export interface TestCa {
  root: CaCertificate;
  issuing: CaCertificate & { key: KeyObject };
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
  now?: Date;
}

/** Read a CA certificate's subject and key identifier. */
export function caCertificate(derBytes: Buffer, key?: KeyObject): CaCertificate {
  const tbs = children(expectTag(children(readWhole(derBytes))[0], 0x30, 'tbsCertificate'));
  const offset = tbs[0].tag === 0xa0 ? 1 : 0;
  const subject = raw(tbs[offset + 4]);
  const spki = children(tbs[offset + 5]);
  let keyId = keyIdentifier(readBitStringOctets(spki[1]));
  const extsNode = tbs.find((n) => n.tag === 0xa3);
  for (const e of extsNode ? children(children(extsNode)[0]) : []) {
    const parts = children(e);
    if (readOid(parts[0]) === OID.subjectKeyIdentifier) {
      keyId = content(readWhole(content(parts[parts.length - 1])));
    }
  }
  const x509 = new X509Certificate(derBytes);
  if (key && !x509.checkPrivateKey(key)) throw new Error(`the private key does not belong to ${x509.subject}`);
  return { der: derBytes, pem: toPem(derBytes, 'CERTIFICATE'), x509, subject, keyId, key };
}

const generateRsa = promisify(generateKeyPair);

function serial(): Buffer {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] & 0x7f) | 0x01;
  return bytes;
}

const YEAR_MS = 365 * 24 * 3600 * 1000;

/** A fresh root + issuing CA pair. */
export async function generateTestCa(opts: { baseUrl: string; keyBits?: number; now?: Date }): Promise<TestCa> {
  const bits = opts.keyBits ?? 2048;
  const now = opts.now ?? new Date();
  const urls = caUrls(opts.baseUrl);
  const [rootPair, issuingPair] = await Promise.all([
    generateRsa('rsa', { modulusLength: bits }),
    generateRsa('rsa', { modulusLength: bits }),
  ]);
  const spkiOf = (k: KeyObject) => k.export({ type: 'spki', format: 'der' });
  const keyBitsOf = (spki: Buffer) => readBitStringOctets(children(readWhole(spki))[1]);

  const rootSpki = spkiOf(rootPair.publicKey);
  const rootId = keyIdentifier(keyBitsOf(rootSpki));
  const rootName = name([
    [OID.organizationName, ORG_NAME],
    [OID.commonName, ROOT_NAME],
  ]);
  const rootDer = buildCertificate(
    {
      serial: serial(),
      issuer: rootName,
      subject: rootName,
      spki: rootSpki,
      notBefore: now,
      notAfter: new Date(now.getTime() + 20 * YEAR_MS),
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
      serial: serial(),
      issuer: rootName,
      subject: name([
        [OID.organizationName, ORG_NAME],
        [OID.commonName, ISSUING_NAME],
      ]),
      spki: issuingSpki,
      notBefore: now,
      notAfter: new Date(now.getTime() + 10 * YEAR_MS),
      extensions: [
        ext.basicConstraints(true, 0),
        ext.keyUsage([KEY_USAGE_BITS.digitalSignature, KEY_USAGE_BITS.keyCertSign, KEY_USAGE_BITS.cRLSign]),
        ext.extKeyUsage([OID.emailProtection, OID.clientAuth]),
        ext.subjectKeyIdentifier(issuingId),
        ext.authorityKeyIdentifier(rootId),
        ext.crlDistributionPoint(urls.rootCrl),
        ext.authorityInfoAccess({ caIssuers: urls.rootCer }),
      ],
    },
    rootPair.privateKey,
  );

  return {
    root: caCertificate(rootDer, rootPair.privateKey),
    issuing: caCertificate(issuingDer, issuingPair.privateKey) as TestCa['issuing'],
    origin: 'generated',
  };
}

function readPem(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the ${what} file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
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
    throw new Error(`the ${what} file ${file} holds no readable private key: ${(err as Error).message}`);
  }
}

/** Load a CA from PEM files: the issuing certificate and key are required, the root certificate too. */
export function loadTestCa(files: Required<Pick<CaFiles, 'rootCertFile' | 'issuingCertFile' | 'issuingKeyFile'>> & CaFiles, origin: string): TestCa {
  const root = caCertificate(
    certFromFile(files.rootCertFile, 'root certificate'),
    files.rootKeyFile ? keyFromFile(files.rootKeyFile, 'root key') : undefined,
  );
  const issuing = caCertificate(certFromFile(files.issuingCertFile, 'issuing certificate'), keyFromFile(files.issuingKeyFile, 'issuing key'));
  if (!issuing.x509.verify(root.x509.publicKey)) {
    throw new Error(`the issuing certificate ${files.issuingCertFile} is not signed by the root ${files.rootCertFile}`);
  }
  return { root, issuing: issuing as TestCa['issuing'], origin };
}

/** The CA to run with: configured files, else the one kept in the data directory, else a new one (kept there if there is one). */
export async function obtainTestCa(opts: ObtainCaOptions): Promise<TestCa> {
  const configured = [opts.rootCertFile, opts.issuingCertFile, opts.issuingKeyFile];
  if (configured.some(Boolean)) {
    if (!configured.every(Boolean)) {
      throw new Error('a configured CA needs the root certificate, the issuing certificate and the issuing key files (root key optional)');
    }
    return loadTestCa(opts as Parameters<typeof loadTestCa>[0], 'configured files');
  }
  if (!opts.dataDir) return generateTestCa(opts);

  const dir = join(opts.dataDir, 'ca');
  const files = {
    rootCertFile: join(dir, 'root.pem'),
    rootKeyFile: join(dir, 'root.key'),
    issuingCertFile: join(dir, 'intermediate.pem'),
    issuingKeyFile: join(dir, 'intermediate.key'),
  };
  if (existsSync(files.issuingKeyFile)) return loadTestCa(files, dir);

  const ca = await generateTestCa(opts);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keyPem = (k: KeyObject) => k.export({ type: 'pkcs8', format: 'pem' }) as string;
  writeFileDurably(files.rootCertFile, ca.root.pem);
  writeFileDurably(files.rootKeyFile, keyPem(ca.root.key!), 0o600);
  writeFileDurably(files.issuingCertFile, ca.issuing.pem);
  // the key last: its presence marks a complete CA directory
  writeFileDurably(files.issuingKeyFile, keyPem(ca.issuing.key), 0o600);
  return { ...ca, origin: `${dir} (generated)` };
}

/** Whole or not at all: a process killed while writing never leaves a truncated PEM the next start would choke on. */
function writeFileDurably(file: string, text: string, mode = 0o644): void {
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w', mode);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}
