/** Where the mock publishes CA material; the same paths are written into certificates and served over HTTP. */
export const CA_PATHS = {
  rootPem: '/ca/root.pem',
  intermediatePem: '/ca/intermediate.pem',
  chainPem: '/ca/chain.pem',
  rootCer: '/ca/root.cer',
  intermediateCer: '/ca/intermediate.cer',
  rootCrl: '/crl/root.crl',
  intermediateCrl: '/crl/intermediate.crl',
  ocsp: '/ocsp',
  /** the test CA's certification practice statement, named by the certificates' policy qualifiers */
  cps: '/cps',
} as const;

/** A base URL without trailing slashes, the form the mock keys and joins base URLs in. */
export function trimBaseUrl(baseUrl: string): string {
  return baseUrl.endsWith('/') ? baseUrl.replace(/\/+$/, '') : baseUrl;
}

export function caUrls(baseUrl: string) {
  const base = trimBaseUrl(baseUrl);
  return {
    rootCer: base + CA_PATHS.rootCer,
    intermediateCer: base + CA_PATHS.intermediateCer,
    rootCrl: base + CA_PATHS.rootCrl,
    intermediateCrl: base + CA_PATHS.intermediateCrl,
    ocsp: base + CA_PATHS.ocsp,
    cps: base + CA_PATHS.cps,
  };
}
