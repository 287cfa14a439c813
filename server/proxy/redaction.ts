import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { applyEdits, contentEdits, scanXml, type TextEdit } from '../../wsdl/codec/index.js';
import { REDACTED } from '../../wsdl/recording.js';

/**
 * What the proxy never writes down. The text of `password` and `secretKey` elements is always replaced; the
 * personal and account data below is replaced unless the user keeps it (`recordKeep`). Only element text
 * changes: tags, prefixes, namespace declarations and everything else (order numbers, status codes) stay byte
 * for byte, so a recording still parses, validates and diffs as the original did. Values found in redacted
 * elements are also scrubbed wherever else they appear as text in the same exchange (an upstream echoing a
 * login in a fault string). A message in a form this cannot read safely (UTF-16) is not written at all.
 */

/** Element local names whose text is always replaced. */
export const ALWAYS_REDACTED = ['password', 'secretKey'] as const;

/** What a user may keep, and the element local names each covers. */
export const KEEPABLE = {
  login: ['login'],
  /** the guide's setURI alias <URI> names the same thing */
  customerLoginUri: ['customerLoginUri', 'URI'],
  email: ['email'],
  /** the certificate holder's name (enroll's username) */
  username: ['username'],
  csr: ['csr'],
  certificate: ['certificate'],
  serialNumber: ['serialNumber'],
} as const;

export type Keepable = keyof typeof KEEPABLE;
export const KEEPABLE_NAMES = Object.keys(KEEPABLE) as Keepable[];
export const KEEPABLE_LIST = KEEPABLE_NAMES.join(', ');

/** A recordKeep value ("login,email") as names; an Error naming an unknown one. */
export function parseKeepList(text: string): Keepable[] {
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const n of names)
    if (!(KEEPABLE_NAMES as string[]).includes(n))
      throw new Error(
        `recordKeep: ${JSON.stringify(n)} is not something that can be kept (${KEEPABLE_LIST}; password and secretKey are always redacted)`,
      );
  return [...new Set(names)] as Keepable[];
}

/** Header values never written down. */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);

/** Shortest value scrubbed from other text when it is not a secret (a login "a" would blank every "a"). */
const MIN_SCRUBBED = 4;

const decodeEntities = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

/** True when bytes are UTF-16 (a BOM or NUL bytes): the latin1 walk cannot see their tags. */
function unreadable(bytes: Buffer): boolean {
  if (bytes.length >= 2 && ((bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes[0] === 0xff && bytes[1] === 0xfe)))
    return true;
  return bytes.includes(0);
}

export const UNREADABLE_NOTE = '[not recorded: the message is UTF-16 or holds NUL bytes, which redaction cannot read]';

export class Redactor {
  private readonly redacted: ReadonlyMap<string, boolean>;

  constructor(keep: readonly Keepable[] = []) {
    const names = new Map<string, boolean>(ALWAYS_REDACTED.map((n) => [n, true]));
    for (const k of KEEPABLE_NAMES) if (!keep.includes(k)) for (const n of KEEPABLE[k]) names.set(n, false);
    this.redacted = names;
  }

  /** True when an element's text is redacted. */
  redacts(localName: string): boolean {
    return this.redacted.has(localName);
  }

  /**
   * The messages of one exchange (request first), redacted together: a value redacted in one is scrubbed
   * from the others' text too. Each text is latin1 text of the message's bytes (see wsdl/codec/scan.ts), or
   * UNREADABLE_NOTE; `scrub` removes the exchange's redacted values from any other text (a fault string, a
   * schema problem quoting a value) before it is written anywhere.
   */
  redactExchange(messages: ReadonlyArray<Buffer | undefined>): {
    texts: Array<string | undefined>;
    scrub: (text: string) => string;
  } {
    const texts = messages.map((m) => (m === undefined ? undefined : unreadable(m) ? null : m.toString('latin1')));
    const values = new Set<string>();
    const select = (local: string) => (this.redacted.has(local) ? REDACTED : undefined);
    const edits = texts.map((text) => {
      if (!text) return [];
      const found = contentEdits(text, select);
      for (const e of found) {
        const raw = text.slice(e.start, e.end);
        const secret = this.redacted.get(e.local) === true;
        // the value as written, and as the characters it stands for (entities decoded, CDATA unwrapped)
        const data = [...scanXml(raw)]
          .filter((t) => t.kind === 'text')
          .map((t) => (t.cdata ? raw.slice(t.start, t.end) : decodeEntities(raw.slice(t.start, t.end))))
          .join('')
          .trim();
        for (const v of [raw, raw.trim(), data]) if (v.length >= (secret ? 1 : MIN_SCRUBBED)) values.add(v);
      }
      return found;
    });
    // longest first, so a value containing another is removed whole
    const ordered = [...values].sort((a, b) => b.length - a.length);
    const scrub = (text: string) => {
      let out = text;
      for (const v of ordered) if (out.includes(v)) out = out.split(v).join(REDACTED);
      return out;
    };
    return {
      texts: texts.map((text, i) => {
        if (text === undefined) return undefined;
        if (text === null) return UNREADABLE_NOTE;
        return applyEdits(text, [...edits[i], ...scrubEdits(text, edits[i], scrub)]);
      }),
      scrub,
    };
  }

  /** Headers with secret values replaced. */
  headers(headers: IncomingHttpHeaders | OutgoingHttpHeaders): Record<string, string | string[]> {
    const out: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(headers)) {
      if (value === undefined) continue;
      out[name] = SECRET_HEADERS.has(name.toLowerCase())
        ? REDACTED
        : Array.isArray(value)
          ? value.map(String)
          : String(value);
    }
    return out;
  }
}

/** Edits scrubbing the text outside the already-redacted ranges (text and comments only, never markup). */
function scrubEdits(text: string, redacted: readonly TextEdit[], scrub: (text: string) => string): TextEdit[] {
  const inside = (at: number) => redacted.some((e) => at >= e.start && at < e.end);
  const out: TextEdit[] = [];
  for (const t of scanXml(text)) {
    const comment = t.kind === 'other' && text.startsWith('<!--', t.start);
    if ((t.kind !== 'text' && !comment) || inside(t.start)) continue;
    const segment = text.slice(t.start, t.end);
    const replaced = scrub(segment);
    if (replaced !== segment) out.push({ start: t.start, end: t.end, replacement: replaced });
  }
  return out;
}
