import { createHash, sign, X509Certificate, type KeyObject } from 'node:crypto';
import type { CaCertificate } from './ca-certificate.js';
import { extensionsOf, tbsFields } from './cert-fields.js';
import { ext, positiveSerial, SHA256_RSA, signedCertificate, toPem } from './certificate.js';
import * as der from './der.js';
import { children, content, raw, readOid, readWhole, type DerNode } from './der-reader.js';
import { OID } from './oids.js';
import { Lru } from '../lib/lru.js';
import { issuingCaPolicies } from './smime-profile.js';
import { CA_PATHS, caUrls, trimBaseUrl } from './urls.js';

/**
 * The issuing CA's certificate as a client at one base URL needs it.
 *
 * The intermediate names the root's CRL (its distribution point) and the root's certificate (AIA caIssuers)
 * under the base URL it was made with, which is a guess at start-up (the public URL, else localhost and the
 * port). A client that reaches the mock by another name (a mapped port, a compose service, a proxy, a test
 * on port 0) could not follow those URLs. So, with the root's key at hand, the mock derives a variant of the
 * intermediate per base URL: the same subject, key, SKI/AKI, validity and every other extension; its URLs
 * (CRL, caIssuers, and the CPS in its certificatePolicies) under that base; a serial derived from (the original
 * serial, the base URL); signed by the root.
 * RSA PKCS#1 v1.5 signatures are deterministic, so a variant is the same bytes on every start and is never
 * stored. Leaves and the OCSP responder name their issuer by subject and key identifier, so they chain to
 * every variant alike; the root's CRL revokes nothing, so it is right for all of them.
 *
 * Without the root's key (a CA configured from files without CCM_MOCK_CA_ROOT_KEY), or for an intermediate
 * whose URLs are not the ones ccm-mock writes, there is one certificate: the stored one, as it is.
 */

export type IssuingCertificate = CaCertificate & { key: KeyObject };

/** Variants kept ready; a base URL is client input (the Host header), so they are bounded, and re-made when evicted. */
export const INTERMEDIATE_VARIANTS_KEPT = 64;

/** `issuingFor(baseUrl)`, and how many variants it keeps (for tests of the bound). */
export type IssuingFor = ((baseUrl: string) => IssuingCertificate) & { kept(): number };

/**
 * The extensions naming URLs that ccm-mock writes into an intermediate made at `baseUrl`: the one encoding for
 * the generated intermediate (test-ca.ts) and its variants, as parse() recognises an intermediate of ours by
 * these bytes. An intermediate made before ccm-mock wrote certificatePolicies has none, and its variants neither.
 */
export function intermediateUrlExtensions(baseUrl: string): { cdp: Buffer; aia: Buffer; policies: Buffer } {
  const urls = caUrls(baseUrl);
  return {
    cdp: ext.crlDistributionPoint(urls.rootCrl),
    aia: ext.authorityInfoAccess({ caIssuers: urls.rootCer }),
    policies: ext.certificatePolicies(issuingCaPolicies(urls.cps)),
  };
}

interface Parsed {
  tbs: DerNode[];
  /** index in `tbs` of the serial */
  offset: number;
  serial: Buffer;
  /** index in `tbs` of the extensions [3] */
  extsAt: number;
  extensions: DerNode[];
  /** the base URL the stored intermediate names */
  baseUrl: string;
}

/** The stored intermediate's parts, if its URL extensions are exactly the ones ccm-mock writes for some base URL. */
function parse(certDer: Buffer): Parsed | undefined {
  const [, algorithm] = children(readWhole(certDer));
  if (!raw(algorithm).equals(SHA256_RSA)) return undefined;
  const { fields: tbs, offset } = tbsFields(certDer);
  const extsAt = tbs.findIndex((n) => n.tag === 0xa3);
  if (extsAt < 0) return undefined;
  const extensions = extensionsOf(tbs);
  const byOid = new Map(extensions.map((e) => [readOid(children(e)[0]), raw(e)]));
  const aia = byOid.get(OID.authorityInfoAccess);
  if (!aia) return undefined;
  // AuthorityInfoAccessSyntax: SEQUENCE OF AccessDescription { accessMethod, accessLocation [6] URI }
  const [first] = children(readWhole(content(children(readWhole(aia)).at(-1)!)));
  const location = first && children(first)[1];
  if (!location || location.tag !== 0x86) return undefined;
  const uri = content(location).toString('latin1');
  if (!uri.endsWith(CA_PATHS.rootCer)) return undefined;
  const baseUrl = uri.slice(0, -CA_PATHS.rootCer.length);
  const ours = intermediateUrlExtensions(baseUrl);
  if (!ours.aia.equals(aia) || !ours.cdp.equals(byOid.get(OID.cRLDistributionPoints) ?? Buffer.alloc(0)))
    return undefined;
  const policies = byOid.get(OID.certificatePolicies);
  if (policies && !policies.equals(ours.policies)) return undefined;
  return { tbs, offset, serial: content(tbs[offset]), extsAt, extensions, baseUrl };
}

/** A positive 128-bit serial from the original serial and the base URL: the same variant always has the same serial. */
export function variantSerial(original: Buffer, baseUrl: string): Buffer {
  return positiveSerial(
    createHash('sha256')
      .update('ccm-mock intermediate variant\0')
      .update(original)
      .update('\0')
      .update(baseUrl)
      .digest()
      .subarray(0, 16),
  );
}

/** The DER of the intermediate `parsed` describes, with its URLs under `baseUrl`, signed by the root's key. */
function variantDer(parsed: Parsed, baseUrl: string, rootKey: KeyObject): Buffer {
  const urls = intermediateUrlExtensions(baseUrl);
  const rewritten = new Map<string, Buffer>([
    [OID.cRLDistributionPoints, urls.cdp],
    [OID.authorityInfoAccess, urls.aia],
    [OID.certificatePolicies, urls.policies],
  ]);
  const extensions = parsed.extensions.map((e) => rewritten.get(readOid(children(e)[0])) ?? raw(e));
  const fields = parsed.tbs.map((n, i) =>
    i === parsed.offset
      ? der.int(variantSerial(parsed.serial, baseUrl))
      : i === parsed.extsAt
        ? der.explicit(3, der.seq(...extensions))
        : raw(n),
  );
  const tbs = der.seq(...fields);
  return signedCertificate(tbs, sign('sha256', tbs, rootKey));
}

/**
 * `issuingFor(baseUrl)` of a CA: the intermediate naming `baseUrl`; the stored one for the base URL it
 * was made with, and whenever variants cannot be made.
 */
export function intermediateVariants(issuing: IssuingCertificate, rootKey: KeyObject | undefined): IssuingFor {
  const parsed = rootKey?.asymmetricKeyType === 'rsa' ? parse(issuing.der) : undefined;
  if (!rootKey || !parsed) return Object.assign(() => issuing, { kept: () => 0 });
  // the stored intermediate is never evicted; the variant used least recently is
  const kept = new Lru<string, IssuingCertificate>(INTERMEDIATE_VARIANTS_KEPT);
  const issuingFor = (baseUrl: string): IssuingCertificate => {
    const base = trimBaseUrl(baseUrl);
    if (base === parsed.baseUrl) return issuing;
    return kept.getOrSet(base, () => {
      // subject, key identifier and key are the stored intermediate's: nothing to read back or check
      const der = variantDer(parsed, base, rootKey);
      return {
        der,
        pem: toPem(der, 'CERTIFICATE'),
        x509: new X509Certificate(der),
        subject: issuing.subject,
        keyId: issuing.keyId,
        key: issuing.key,
      };
    });
  };
  return Object.assign(issuingFor, { kept: () => kept.size });
}
