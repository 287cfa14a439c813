/**
 * A tolerant walk over XML text by position, for work that must leave every byte it does not change exactly
 * as it was (the proxy's redaction of recorded messages: tags, prefixes and namespace declarations stay
 * byte for byte). It never fails: malformed or truncated input (a garbage answer, a body cut at a limit)
 * still yields the tags and text it can see, and an unterminated construct runs to the end. It neither
 * checks well-formedness nor resolves namespaces: the codec's parser does that; this one only finds where
 * things are.
 *
 * Work on a latin1 view of the bytes (`buffer.toString('latin1')`): one character per byte, so positions are
 * byte offsets and writing the result back as latin1 restores every untouched byte, whatever the encoding
 * (any ASCII-compatible one: UTF-8, ISO-8859-x).
 */

export type XmlToken =
  /** a start tag `<p:name ...>` or an empty-element tag `<p:name .../>` */
  | { kind: 'open'; name: string; local: string; start: number; end: number; selfClosing: boolean }
  /** an end tag `</p:name>` */
  | { kind: 'close'; name: string; local: string; start: number; end: number }
  /** character data, or the inside of a CDATA section (`start`..`end` is the data, without the markers) */
  | { kind: 'text'; start: number; end: number; cdata: boolean }
  /** a comment, processing instruction, XML declaration or DOCTYPE, whole */
  | { kind: 'other'; start: number; end: number };

const localOf = (name: string) => name.slice(name.indexOf(':') + 1);

/** The end (exclusive) of a tag starting at `from` (its '<'): after the first '>' outside a quoted value. */
function tagEnd(text: string, from: number): number {
  let quote = '';
  for (let i = from + 1; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return i + 1;
  }
  return text.length;
}

/** Every token of `text`, in order; text between tags comes as one token per run (CDATA separately). */
export function* scanXml(text: string): Generator<XmlToken> {
  let i = 0;
  const n = text.length;
  while (i < n) {
    const lt = text.indexOf('<', i);
    if (lt < 0) {
      yield { kind: 'text', start: i, end: n, cdata: false };
      return;
    }
    if (lt > i) yield { kind: 'text', start: i, end: lt, cdata: false };
    if (text.startsWith('<![CDATA[', lt)) {
      const close = text.indexOf(']]>', lt + 9);
      const end = close < 0 ? n : close;
      yield { kind: 'text', start: lt + 9, end, cdata: true };
      i = close < 0 ? n : close + 3;
    } else if (text.startsWith('<!--', lt)) {
      const close = text.indexOf('-->', lt + 4);
      i = close < 0 ? n : close + 3;
      yield { kind: 'other', start: lt, end: i };
    } else if (text[lt + 1] === '?') {
      const close = text.indexOf('?>', lt + 2);
      i = close < 0 ? n : close + 2;
      yield { kind: 'other', start: lt, end: i };
    } else if (text[lt + 1] === '!') {
      i = tagEnd(text, lt);
      yield { kind: 'other', start: lt, end: i };
    } else {
      const closing = text[lt + 1] === '/';
      const nameStart = lt + (closing ? 2 : 1);
      const m = /^[^\s/>]+/.exec(text.slice(nameStart, nameStart + 256));
      const end = tagEnd(text, lt);
      i = end;
      if (!m) {
        // a '<' that starts no tag ("a < b" in garbage): text
        yield { kind: 'text', start: lt, end, cdata: false };
        continue;
      }
      const name = m[0];
      if (closing) yield { kind: 'close', name, local: localOf(name), start: lt, end };
      else
        yield {
          kind: 'open',
          name,
          local: localOf(name),
          start: lt,
          end,
          selfClosing: end >= 2 && text[end - 2] === '/' && text[end - 1] === '>',
        };
    }
  }
}

/** A replacement of `text.slice(start, end)`. */
export interface TextEdit {
  start: number;
  end: number;
  replacement: string;
}

/** `text` with the edits applied; edits must not overlap and come in any order. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  if (!edits.length) return text;
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const e of sorted) {
    out += text.slice(at, e.start) + e.replacement;
    at = e.end;
  }
  return out + text.slice(at);
}

/**
 * The content of every element whose local name `select` picks, as edits replacing it: from the end of
 * its start tag to the start of its matching end tag (to the end of the text when there is none: a body cut
 * short). Empty content is left as it is. Elements nested in a picked one are inside its content; the outermost
 * pick wins.
 */
export function contentEdits(
  text: string,
  select: (local: string) => string | undefined,
): Array<TextEdit & { local: string }> {
  const edits: Array<TextEdit & { local: string }> = [];
  /** the open element being replaced, and how deep we are inside it */
  let open: { local: string; from: number; replacement: string; depth: number } | undefined;
  for (const t of scanXml(text)) {
    if (open) {
      if (t.kind === 'open' && !t.selfClosing && t.local === open.local) open.depth++;
      else if (t.kind === 'close' && t.local === open.local && --open.depth === 0) {
        if (t.start > open.from)
          edits.push({ start: open.from, end: t.start, replacement: open.replacement, local: open.local });
        open = undefined;
      }
      continue;
    }
    if (t.kind !== 'open' || t.selfClosing) continue;
    const replacement = select(t.local);
    if (replacement !== undefined) open = { local: t.local, from: t.end, replacement, depth: 1 };
  }
  if (open && open.from < text.length)
    edits.push({ start: open.from, end: text.length, replacement: open.replacement, local: open.local });
  return edits;
}

/**
 * The first element inside the first element named Body (any prefix): a SOAP message's payload, found without
 * parsing, so a malformed message still gets a name. `start`..`end` spans it from its start tag to the end of
 * its end tag (to the end of the text when it has none). Undefined when there is none.
 */
export function payloadElement(text: string): { local: string; start: number; end: number } | undefined {
  let inBody = false;
  let found: { local: string; start: number; depth: number } | undefined;
  for (const t of scanXml(text)) {
    if (found) {
      if (t.kind === 'open' && !t.selfClosing && t.local === found.local) found.depth++;
      else if (t.kind === 'close' && t.local === found.local && --found.depth === 0)
        return { local: found.local, start: found.start, end: t.end };
      continue;
    }
    if (t.kind === 'open') {
      if (inBody) {
        if (t.selfClosing) return { local: t.local, start: t.start, end: t.end };
        found = { local: t.local, start: t.start, depth: 1 };
      } else if (t.local === 'Body') inBody = !t.selfClosing;
    } else if (t.kind === 'close' && inBody && t.local === 'Body') return undefined;
  }
  return found && { local: found.local, start: found.start, end: text.length };
}
