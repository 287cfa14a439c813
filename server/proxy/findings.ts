/**
 * What the proxy noticed, each distinct thing once: a finding is keyed by its class, direction, operation and
 * key, and counts how often it was seen, when first and last, and in which recorded exchanges (the first few).
 * Bounded: at most MAX_FINDINGS distinct findings (later new ones are counted, not kept), excerpts cut to
 * MAX_EXCERPT characters.
 */

/** The kinds of difference, in the order the report lists them. */
export const FINDING_CLASSES = {
  transport: 'the upstream could not be reached, was too slow, failed TLS or did not answer HTTP',
  'not-soap': 'an answer that is not a SOAP 1.1 message (an HTML error page, invalid XML, an empty body)',
  'content-type': "a Content-Type other than Metro's text/xml;charset=utf-8",
  namespace: "an operation wrapper, or the WSDL's targetNamespace, in another namespace than the mock's",
  'unknown-element': 'an element the schema does not declare where it appears',
  schema: 'a message the schema refuses (order, occurrence, a value that is not its type)',
  shape: "a spelling Metro would not write (prefixes, XML declaration, qualified children): the mock writes Metro's",
  'status-code': 'a status code the catalog does not list for the operation',
  fault: 'a SOAP fault where the mock answers normally, or an answer where the mock faults',
  'fault-text': "a fault whose code or text differs from the mock's for the same request",
  'certificate-format': "collect's certificate in another format than the mock's certificateFormat",
  'key-usage': 'KeyUsage / ExtKeyUsage written differently from the contract (code and name children)',
  'uri-alias': '<URI> in authData, and whether the upstream took it as customerLoginUri',
  strictness: 'a request the schema refuses, and whether the upstream refused it too',
  'service-info': "getWebServiceInfo's text differs from the mock's serviceInfo",
  validity: "collected certificates' validity differs from the mock's validityDays",
  'wsdl-drift': "the upstream's WSDL differs structurally from wsdl/EPKIManager.wsdl",
} as const;

export type FindingClass = keyof typeof FINDING_CLASSES;
export type Direction = 'request' | 'response' | 'wsdl' | 'exchange';

export interface FindingInput {
  class: FindingClass;
  direction: Direction;
  operation?: string;
  /** one line: what was seen */
  summary: string;
  /** what ccm-mock does, and what the upstream did, where that is a value */
  mock?: string;
  upstream?: string;
  /** the setting or edit that makes the mock match, when there is one */
  fix?: string;
  /** a redacted piece of the message that shows it */
  excerpt?: string;
}

export interface Finding extends FindingInput {
  count: number;
  firstSeen: string;
  lastSeen: string;
  /** numbers of the first recorded exchanges it was seen in */
  exchanges: number[];
}

export const MAX_FINDINGS = 500;
export const MAX_EXCERPT = 600;
const MAX_EXCHANGES_LISTED = 5;

/** Text cut to `max` characters, saying how much was left out. */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = /[\uD800-\uDBFF]/.test(text[max - 1]) ? max - 1 : max;
  return `${text.slice(0, end)}...[${text.length - end} more chars]`;
}

export class Findings {
  private readonly byKey = new Map<string, Finding>();
  /** distinct findings not kept because MAX_FINDINGS were */
  overflow = 0;

  add(input: FindingInput, at: Date, exchange?: number): void {
    const key = [input.class, input.direction, input.operation ?? '', input.summary, input.upstream ?? ''].join(
      '\u0000',
    );
    const iso = at.toISOString();
    const known = this.byKey.get(key);
    if (known) {
      known.count++;
      known.lastSeen = iso;
      if (exchange !== undefined && known.exchanges.length < MAX_EXCHANGES_LISTED) known.exchanges.push(exchange);
      return;
    }
    if (this.byKey.size >= MAX_FINDINGS) {
      this.overflow++;
      return;
    }
    this.byKey.set(key, {
      ...input,
      summary: cut(input.summary, MAX_EXCERPT),
      ...(input.upstream !== undefined ? { upstream: cut(input.upstream, MAX_EXCERPT) } : {}),
      ...(input.excerpt !== undefined ? { excerpt: cut(input.excerpt, MAX_EXCERPT) } : {}),
      count: 1,
      firstSeen: iso,
      lastSeen: iso,
      exchanges: exchange !== undefined ? [exchange] : [],
    });
  }

  /** Every finding, by class in FINDING_CLASSES order, then most seen first. */
  list(): Finding[] {
    const order = Object.keys(FINDING_CLASSES);
    return [...this.byKey.values()].sort(
      (a, b) => order.indexOf(a.class) - order.indexOf(b.class) || b.count - a.count,
    );
  }

  get size(): number {
    return this.byKey.size;
  }
}
