/**
 * The `format` values of GET .../smime/v1/collect/{backendCertId}, with what each returns as the vendor's
 * documentation words it, and the order ccm-mock writes a chain in where the docs leave it open (evidence section
 * 3, open question 4). Names are matched exactly (the docs' spelling: `x509CO`, not `x509co`).
 */

export interface CollectFormatInfo {
  /** the docs' description */
  doc: string;
  /** what ccm-mock sends: the certificates and their order */
  contents: string;
  /** PEM text, or binary (DER) */
  encoding: 'pem' | 'der';
  /** the file name extension of Content-Disposition */
  extension: 'p7b' | 'pem' | 'crt';
}

export const COLLECT_FORMAT_INFO = {
  x509: {
    doc: 'Certificate (w/ chain), PEM encoded',
    contents: 'leaf, intermediate, root',
    encoding: 'pem',
    extension: 'pem',
  },
  x509CO: { doc: 'Certificate only, PEM encoded', contents: 'leaf', encoding: 'pem', extension: 'crt' },
  base64: {
    doc: 'PKCS#7, PEM encoded',
    contents: '-----BEGIN PKCS7----- of leaf, intermediate, root',
    encoding: 'pem',
    extension: 'p7b',
  },
  bin: { doc: 'PKCS#7', contents: 'DER PKCS#7 of leaf, intermediate, root', encoding: 'der', extension: 'p7b' },
  x509IO: {
    doc: 'Root/Intermediate(s) only, PEM encoded',
    contents: 'root, intermediate',
    encoding: 'pem',
    extension: 'pem',
  },
  x509IOR: {
    doc: 'Intermediate(s)/Root only, PEM encoded',
    contents: 'intermediate, root',
    encoding: 'pem',
    extension: 'pem',
  },
  pem: {
    doc: 'Certificate (w/ chain), PEM encoded',
    contents: 'leaf, intermediate, root',
    encoding: 'pem',
    extension: 'pem',
  },
  pemco: { doc: 'Certificate only, PEM encoded', contents: 'leaf', encoding: 'pem', extension: 'crt' },
  pemia: {
    doc: 'Certificate (w/ issuer after), PEM encoded',
    contents: 'leaf, intermediate',
    encoding: 'pem',
    extension: 'pem',
  },
  x509R: {
    doc: 'Certificate (w/ chain), PEM encoded',
    contents: 'root, intermediate, leaf (x509 reversed)',
    encoding: 'pem',
    extension: 'pem',
  },
} as const satisfies Record<string, CollectFormatInfo>;

export type CollectFormat = keyof typeof COLLECT_FORMAT_INFO;

export const COLLECT_FORMATS = Object.keys(COLLECT_FORMAT_INFO) as CollectFormat[];

/** Without `format`: base64 (the Admin OpenAPI's default, and what a live collect without one returned). */
export const DEFAULT_COLLECT_FORMAT: CollectFormat = 'base64';

export function isCollectFormat(name: string): name is CollectFormat {
  return Object.hasOwn(COLLECT_FORMAT_INFO, name);
}

/** The Content-Type of every collect answer (the docs' example; no charset, as in the S/MIME example). */
export const COLLECT_CONTENT_TYPE = 'application/octet-stream';
