import { ParseOption, XmlElement, type XmlTreeNode } from 'libxml2-wasm';

/** How every XML this project reads is parsed: no network access, no external entities. */
export const SAFE_PARSE = ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE;

/** Element children of an element, in document order (text, comments and PIs skipped). */
export function elementChildren(el: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (let n: XmlTreeNode | null = el.firstChild; n; n = n.next) {
    if (n instanceof XmlElement) out.push(n);
  }
  return out;
}

/** Characters XML 1.0 cannot carry at all, even escaped: replaced so a response is always well-formed. */
const INVALID_XML_CHARS =
  // eslint-disable-next-line no-control-regex -- matching the control characters XML 1.0 forbids is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\r': '&#13;',
};

/** Escape text for element content or a double-quoted attribute (CR kept as a character reference). */
// eslint-disable-next-line no-control-regex -- control characters are among what needs escaping or replacing
const NEEDS_ESCAPING = /[&<>"'\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;

export function escapeXml(text: string): string {
  // most text (order numbers, base64 certificates, the service info) needs nothing: one scan instead of two replaces
  if (!NEEDS_ESCAPING.test(text)) return text;
  return text.replace(INVALID_XML_CHARS, '\uFFFD').replace(/[&<>"'\r]/g, (c) => ESCAPES[c]);
}
