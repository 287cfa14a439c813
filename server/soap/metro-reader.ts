/**
 * A pull reader of XML text that fails where, and with the words, the StAX parser inside Metro (Woodstox)
 * fails: the same exception class, message, and [row,col] location, as JAX-WS RI 2.3.0.2 reports them in its
 * faults (checked against it by test/metro/). ccm-mock parses requests with libxml2; this reader runs over
 * the envelope's start on every request (cheap: it stops at the payload's start tag) and over the rest only
 * when libxml2 refused the document, to find what Metro would have met first, and where.
 *
 * Only what a SOAP request needs is modelled: no DTD (ccm-mock refuses one before reading), the five
 * predefined entities, character references, namespaces. Text is checked when it is read, so a caller can
 * step over the next token without reading it (`skipLazily`), as Woodstox does.
 */

export type WstxClass = 'WstxEOFException' | 'WstxUnexpectedCharException' | 'WstxParsingException' | 'WstxIOException';

/** A Woodstox exception; its message is its toString(), which is what Metro puts in its faults. */
export class WstxError extends Error {
  constructor(cls: WstxClass, detail: string, location?: { row: number; col: number }) {
    super(
      `com.ctc.wstx.exc.${cls}: ${detail}` +
        (location ? `\n at [row,col {unknown-source}]: [${location.row},${location.col}]` : ''),
    );
  }
}

/**
 * An error in text read lazily (a CDATA section JAXB asks for): Woodstox wraps it in an unchecked exception
 * that reaches the fault as it is, with other words.
 */
export class WstxLazyError extends Error {
  constructor(detail: string, location: { row: number; col: number }) {
    super(
      `[com.ctc.wstx.exc.WstxLazyException] ${detail}\n at [row,col {unknown-source}]: [${location.row},${location.col}]`,
    );
  }
}

/** A malformed XML declaration: Metro fails to create its reader at all. */
export class ReaderCreationError extends Error {}

export interface Attribute {
  qname: string;
  local: string;
  ns: string;
  value: string;
}

export type Token =
  /** `end`: the offset after the tag */
  | { type: 'start'; qname: string; local: string; ns: string; attrs: Attribute[]; end: number }
  | { type: 'end'; qname: string; local: string; ns: string }
  | { type: 'text'; text: string }
  | { type: 'other' }
  | { type: 'eof' };

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';
const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

const NAME_START =
  /[A-Z_a-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD]/;
const NAME_CHAR = /[-.0-9\u00B7\u203F-\u2040]/;
/** combining marks, written as codes: in a character class they would read as combined with their neighbour */
const isCombining = (c: string) => c >= '\u0300' && c <= '\u036F';
/** one UTF-16 unit at a time: a surrogate is half of a character beyond U+FFFF, which may be in a name */
const isSurrogate = (c: string) => c >= '\uD800' && c <= '\uDFFF';
const isNameStart = (c: string) =>
  NAME_START.test(c) || c === '\u200C' || c === '\u200D' || (c >= '\uD800' && c <= '\uDBFF');
const isNameChar = (c: string) => isNameStart(c) || NAME_CHAR.test(c) || isCombining(c) || isSurrogate(c);
const isSpace = (c: string) => c === ' ' || c === '\n' || c === '\t' || c === '\r';

/** An ASCII name (one colon at most) followed by what may follow a name in a tag: the fast path. */
const PLAIN_NAME = /[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?(?=[\s/>=])/y;
/** What the character-by-character reading of an attribute value or of text must see (controls included). */
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const SPECIAL_IN_VALUE = /[<&\u0000-\u001f]/;
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const SPECIAL_IN_TEXT = /[&\r>\u0000-\u0008\u000b\u000c\u000e-\u001f]/;

/** Woodstox's description of a character in its messages. */
function charDesc(c: string): string {
  const code = c.charCodeAt(0);
  if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return `(CTRL-CHAR, code ${code})`;
  return code > 255 ? `'${c}' (code ${code} / 0x${code.toString(16)})` : `'${c}' (code ${code})`;
}

/** Characters XML 1.0 refuses in content that Woodstox checks (controls but tab, newline, carriage return). */
const isIllegal = (code: number) => code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d;

export class MetroXmlReader {
  private pos = 0;
  private state: 'prolog' | 'content' | 'epilog' | 'done' = 'prolog';
  private readonly open: { qname: string; bindings: Map<string, string> }[] = [];
  /** the namespace bindings in scope, innermost last per prefix (a deep document costs no lookups up the stack) */
  private readonly scope = new Map<string, string[]>();
  /** an end token owed for a self-closing start tag */
  private pendingEnd: Token | undefined;
  /** text is being read by JAXB: a CDATA section's content is parsed lazily, and fails as WstxLazyError */
  lazyText = false;

  /**
   * `truncatedTail`: the decoder's complaint when the request's bytes ended inside a multi-byte character
   * (raised where the reader reaches the end).
   */
  constructor(
    private readonly text: string,
    private readonly truncatedTail?: string,
  ) {
    // a byte-order mark: Woodstox's reader bootstrapper only looks for one in a document of 7 characters or more
    if (text.charCodeAt(0) === 0xfeff && text.length >= 7) this.pos = 1;
    if (text.startsWith('<?xml', this.pos) && isSpace(text[this.pos + 5] ?? '')) this.readDeclaration();
  }

  /** Where the reader stands (the offset after the last token read). */
  get offset(): number {
    return this.pos;
  }

  /** The qualified names of the elements open now, outermost first. */
  openElements(): string[] {
    return this.open.map((e) => e.qname);
  }

  private location(at: number): { row: number; col: number } {
    let row = 1;
    let rowStart = 0;
    for (let i = 0; i < at && i < this.text.length; i++) {
      const c = this.text.charCodeAt(i);
      if (c === 0x0a || (c === 0x0d && this.text.charCodeAt(i + 1) !== 0x0a)) {
        row++;
        rowStart = i + 1;
      }
    }
    return { row, col: at - rowStart };
  }

  private fail(cls: WstxClass, detail: string, at = this.pos): never {
    throw new WstxError(cls, detail, this.location(at));
  }

  private eof(detail: string): never {
    // bytes that ended inside a UTF-8 sequence: the decoder fails when the reader gets there
    if (this.truncatedTail) throw new WstxError('WstxIOException', this.truncatedTail);
    return this.fail('WstxEOFException', detail, this.text.length);
  }

  /** The next character, consumed; `eofDetail` names the failure at the end of the text. */
  private take(eofDetail: string): string {
    if (this.pos >= this.text.length) this.eof(eofDetail);
    return this.text[this.pos++];
  }

  private unexpected(c: string, what: string): never {
    return this.fail('WstxUnexpectedCharException', `Unexpected character ${charDesc(c)}${what}`);
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && isSpace(this.text[this.pos])) this.pos++;
  }

  /** Woodstox refuses a NUL wherever it reads text or skips whitespace, with its own words. */
  private refuseNul(): never {
    this.pos++;
    return this.fail(
      'WstxUnexpectedCharException',
      'Illegal character (NULL, unicode 0) encountered: not valid in any content',
    );
  }

  /** `<?xml version=... encoding=... standalone=...?>`: any mistake in it and Metro cannot create a reader. */
  private readDeclaration(): void {
    const end = this.text.indexOf('?>', this.pos);
    const body = end < 0 ? '' : this.text.slice(this.pos + 5, end);
    const ok =
      /^\s+version\s*=\s*(["'])1\.[01]\1(\s+encoding\s*=\s*(["'])[A-Za-z][\w.-]*\3)?(\s+standalone\s*=\s*(["'])(yes|no)\5)?\s*$/.test(
        body,
      );
    if (!ok) throw new ReaderCreationError('Unable to create StAX reader or writer');
    this.pos = end + 2;
  }

  /** A name: an XML name with at most one colon, the colon neither first nor last. */
  private readName(eofDetail = 'Unexpected end of input block; expected an identifier'): string {
    // the usual ASCII name, ended by what may follow one, in one step; anything else character by character
    PLAIN_NAME.lastIndex = this.pos;
    const plain = PLAIN_NAME.exec(this.text);
    if (plain) {
      this.pos += plain[0].length;
      return plain[0];
    }
    const first = this.take(eofDetail);
    if (first === ':') this.unexpected(first, ' (missing namespace prefix?)');
    if (!isNameStart(first)) this.unexpected(first, ' (expected a name start character)');
    let name = first;
    let colon = false;
    for (;;) {
      if (this.pos >= this.text.length) this.eof(eofDetail);
      const c = this.text[this.pos];
      if (c === ':' && !colon) {
        colon = true;
        name += c;
        this.pos++;
        const next = this.take(eofDetail);
        if (!isNameStart(next)) this.unexpected(next, ' (expected a name start character)');
        name += next;
        continue;
      }
      if (c === ':' || !isNameChar(c)) return name;
      name += c;
      this.pos++;
    }
  }

  private resolve(prefix: string, bindings: Map<string, string>): string | undefined {
    if (prefix === 'xml') return XML_NS;
    if (bindings.has(prefix)) return bindings.get(prefix);
    const inScope = this.scope.get(prefix);
    if (inScope?.length) return inScope[inScope.length - 1];
    return prefix === '' ? '' : undefined;
  }

  /** `&...;` in text or an attribute value, `&` consumed: the character(s) it stands for. */
  private readReference(): string {
    if (this.text[this.pos] === '#') {
      this.pos++;
      const hex = this.text[this.pos] === 'x';
      if (hex) this.pos++;
      let value = 0;
      for (;;) {
        const c = this.take('Unexpected EOF in character entity');
        if (c === ';') break;
        const digit = hex ? parseInt(c, 16) : c >= '0' && c <= '9' ? c.charCodeAt(0) - 48 : NaN;
        if (Number.isNaN(digit))
          this.unexpected(c, `; expected a ${hex ? 'hex digit (0-9a-fA-F)' : 'decimal number'}.`);
        value = value * (hex ? 16 : 10) + digit;
        if (value > 0x10ffff)
          this.fail('WstxParsingException', 'Illegal character entity: value higher than max allowed (0x10ffff)');
      }
      if (value === 0)
        this.fail('WstxParsingException', 'Invalid character reference: null character not allowed in XML content.');
      if (isIllegal(value) || value === 0xfffe || value === 0xffff || (value >= 0xd800 && value <= 0xdfff))
        this.fail(
          'WstxParsingException',
          `Illegal character entity: expansion character (code 0x${value.toString(16)}`,
        );
      return String.fromCodePoint(value);
    }
    const first = this.take('Unexpected EOF in entity reference');
    if (!isNameStart(first)) this.unexpected(first, ' (missing name?)');
    let name = first;
    for (;;) {
      const c = this.take('Unexpected EOF in entity reference');
      if (c === ';') break;
      if (!isNameChar(c)) this.unexpected(c, `; expected a semi-colon after the reference for entity '${name}'`);
      name += c;
    }
    const value = PREDEFINED[name];
    if (value === undefined) this.fail('WstxParsingException', `Undeclared general entity "${name}"`);
    return value;
  }

  /** A start tag, `<` consumed and the next character a name start. */
  private readStartTag(): Token {
    const qname = this.readName();
    const raw: { qname: string; value: string }[] = [];
    const bindings = new Map<string, string>();
    let selfClosing = false;
    for (;;) {
      const hadSpace = this.pos < this.text.length && isSpace(this.text[this.pos]);
      this.skipSpace();
      const c = this.take('Unexpected end of input block in start tag');
      if (c === '>') break;
      if (c === '/') {
        const gt = this.take('Unexpected end of input block in start tag');
        if (gt !== '>') this.unexpected(gt, " expected '>'");
        selfClosing = true;
        break;
      }
      if (c === '<') this.fail('WstxParsingException', "Unexpected '<' character in element (missing closing '>'?)");
      if (!hadSpace) this.unexpected(c, ` excepted space, or '>' or "/>"`);
      this.pos--;
      const name = this.readName();
      this.skipSpace();
      const eq = this.take('Unexpected end of input block in start tag');
      if (eq !== '=') this.unexpected(eq, " expected '='");
      this.skipSpace();
      const quote = this.take('Unexpected end of input block in start tag');
      if (quote !== '"' && quote !== "'") this.unexpected(quote, ' in start tag Expected a quote');
      let value = '';
      const close = this.text.indexOf(quote, this.pos);
      if (close >= 0 && !SPECIAL_IN_VALUE.test(this.text.slice(this.pos, close))) {
        value = this.text.slice(this.pos, close);
        this.pos = close;
      }
      for (;;) {
        const v = this.take('Unexpected EOF in attribute value');
        if (v === quote) break;
        if (v === '<') this.unexpected(v, ' in attribute value');
        if (v === '&') value += this.readReference();
        else if (isIllegal(v.charCodeAt(0)))
          this.fail('WstxUnexpectedCharException', `Illegal character (${charDesc(v)})`);
        else value += v === '\t' || v === '\n' || v === '\r' ? ' ' : v;
      }
      if (name === 'xmlns' || name.startsWith('xmlns:')) {
        const prefix = name === 'xmlns' ? '' : name.slice(6);
        if (prefix && !value)
          this.fail(
            'WstxParsingException',
            'Non-default namespace can not map to empty URI (as per Namespace 1.0 # 2) in XML 1.0 documents',
          );
        bindings.set(prefix, value);
      }
      raw.push({ qname: name, value });
    }
    const xmlBinding = bindings.get('xml');
    if (xmlBinding !== undefined && xmlBinding !== XML_NS)
      this.fail(
        'WstxParsingException',
        `Trying to redeclare prefix "xml" from its default URI "${XML_NS}" to "${xmlBinding}"`,
      );
    const split = (q: string) => {
      const i = q.indexOf(':');
      return i < 0 ? ['', q] : [q.slice(0, i), q.slice(i + 1)];
    };
    const [prefix, local] = split(qname);
    const ns = this.resolve(prefix, bindings);
    if (ns === undefined) this.fail('WstxParsingException', `Undeclared namespace prefix "${prefix}"`);
    const attrs: Attribute[] = [];
    const seen = new Set<string>();
    for (const a of raw) {
      if (seen.has(a.qname)) this.fail('WstxParsingException', `Duplicate attribute '${a.qname}'.`);
      seen.add(a.qname);
      const [p, l] = split(a.qname);
      if (a.qname === 'xmlns' || p === 'xmlns') {
        attrs.push({ qname: a.qname, local: l, ns: XMLNS_NS, value: a.value });
        continue;
      }
      const ans = p ? this.resolve(p, bindings) : '';
      if (ans === undefined)
        this.fail('WstxParsingException', `Undeclared namespace prefix "${p}" (for attribute "${l}")`);
      attrs.push({ qname: a.qname, local: l, ns: ans, value: a.value });
    }
    const token: Token = { type: 'start', qname, local, ns, attrs, end: this.pos };
    if (selfClosing) this.pendingEnd = { type: 'end', qname, local, ns };
    else {
      this.open.push({ qname, bindings });
      for (const [p, uri] of bindings) {
        const stack = this.scope.get(p);
        if (stack) stack.push(uri);
        else this.scope.set(p, [uri]);
      }
    }
    this.state = 'content';
    return token;
  }

  private readEndTag(): Token {
    const qname = this.readName();
    const expected = this.open[this.open.length - 1];
    if (qname !== expected.qname)
      this.fail('WstxParsingException', `Unexpected close tag </${qname}>; expected </${expected.qname}>.`);
    this.skipSpace();
    const gt = this.take(`Unexpected EOF; was expecting a close tag for element <${expected.qname}>`);
    if (gt !== '>') this.unexpected(gt, " in end tag Expected '>'.");
    const i = qname.indexOf(':');
    const ns = this.resolve(i < 0 ? '' : qname.slice(0, i), new Map()) ?? '';
    for (const p of this.open.pop()!.bindings.keys()) this.scope.get(p)!.pop();
    if (!this.open.length) this.state = 'epilog';
    return { type: 'end', qname, local: i < 0 ? qname : qname.slice(i + 1), ns };
  }

  private readComment(): void {
    for (;;) {
      const c = this.take('Unexpected end of input block in comment');
      if (c === '-' && this.text[this.pos] === '-') {
        this.pos++;
        const gt = this.take('Unexpected end of input block in comment');
        if (gt !== '>') this.fail('WstxParsingException', "String '--' not allowed in comment (missing '>'?)");
        return;
      }
    }
  }

  private readPi(): void {
    const target = this.readName('Unexpected end of input block in processing instruction');
    if (target.toLowerCase() === 'xml')
      this.fail(
        'WstxParsingException',
        'Illegal processing instruction target ("xml"); xml (case insensitive) is reserved by the specs.',
      );
    for (;;) {
      const c = this.take('Unexpected end of input block in processing instruction');
      if (c === '?' && this.text[this.pos] === '>') {
        this.pos++;
        return;
      }
    }
  }

  /** `<!` consumed, in content: a comment or a CDATA section. */
  private readDirective(): Token {
    if (this.text.startsWith('--', this.pos)) {
      this.pos += 2;
      this.readComment();
      return { type: 'other' };
    }
    if (this.text.startsWith('[CDATA[', this.pos)) {
      this.pos += 7;
      const end = this.text.indexOf(']]>', this.pos);
      if (end < 0 && this.lazyText && !this.truncatedTail)
        throw new WstxLazyError('Unexpected EOF in CDATA section', this.location(this.text.length));
      if (end < 0) this.eof('Unexpected end of input block in CDATA section');
      const text = this.text.slice(this.pos, end).replace(/\r\n?/g, '\n');
      this.pos = end + 3;
      return { type: 'text', text };
    }
    // Woodstox stops at the first character that breaks "<!--" or "<![CDATA["
    const want = this.text[this.pos] === '-' ? '--' : '[CDATA[';
    let i = 0;
    while (this.pos < this.text.length && this.text[this.pos] === want[i]) {
      this.pos++;
      i++;
    }
    this.take('Unexpected end of input block in directive');
    return this.fail(
      'WstxParsingException',
      "Unrecognized XML directive; expected CDATA or comment ('<![CDATA[' or '<!--').",
    );
  }

  /** Text up to the next `<`, references expanded. */
  private readText(): Token {
    let text = '';
    // text without references, line ends to normalise or characters to refuse, in one step
    const next = this.text.indexOf('<', this.pos);
    const end = next < 0 ? this.text.length : next;
    const run = this.text.slice(this.pos, end);
    if (!SPECIAL_IN_TEXT.test(run)) {
      this.pos = end;
      return { type: 'text', text: run };
    }
    while (this.pos < this.text.length) {
      const c = this.text[this.pos];
      if (c === '<') break;
      if (c === '\0') this.refuseNul();
      this.pos++;
      if (c === '&') text += this.readReference();
      else if (c === '\r')
        text += this.text[this.pos] === '\n' ? '' : '\n'; // line ends read as \n
      else if (isIllegal(c.charCodeAt(0)))
        this.fail('WstxUnexpectedCharException', `Illegal character (${charDesc(c)})`);
      else if (c === '>' && this.text[this.pos - 2] === ']' && this.text[this.pos - 3] === ']')
        this.fail(
          'WstxParsingException',
          "String ']]>' not allowed in textual content, except as the end marker of CDATA section",
        );
      else text += c;
    }
    return { type: 'text', text };
  }

  /**
   * Step over the next token as Woodstox's next() does when nobody reads it: a start or end tag is parsed
   * whole, text, comments and the like only as far as their first characters.
   */
  skipLazily(): void {
    if (this.pendingEnd || this.state !== 'content') {
      this.next();
      return;
    }
    if (this.pos >= this.text.length) this.next();
    else if (this.text[this.pos] === '<' && /[^!?]/.test(this.text[this.pos + 1] ?? '!')) this.next();
  }

  next(): Token {
    if (this.pendingEnd) {
      const end = this.pendingEnd;
      this.pendingEnd = undefined;
      if (!this.open.length) this.state = 'epilog';
      return end;
    }
    if (this.state === 'content') return this.nextInContent();
    return this.nextOutside();
  }

  private nextInContent(): Token {
    if (this.pos >= this.text.length)
      this.eof(`Unexpected EOF; was expecting a close tag for element <${this.open[this.open.length - 1].qname}>`);
    if (this.text[this.pos] !== '<') return this.readText();
    this.pos++;
    const c = this.take(
      `Unexpected EOF; was expecting a close tag for element <${this.open[this.open.length - 1].qname}>`,
    );
    if (c === '/') return this.readEndTag();
    if (c === '!') return this.readDirective();
    if (c === '?') {
      this.readPi();
      return { type: 'other' };
    }
    if (!isNameStart(c) && c !== ':') this.unexpected(c, " in content after '<' (malformed start element?).");
    this.pos--;
    return this.readStartTag();
  }

  /** The prolog and the epilog: whitespace, comments and PIs around the one root element. */
  private nextOutside(): Token {
    const where = this.state === 'prolog' ? 'prolog' : 'epilog';
    for (;;) {
      this.skipSpace();
      if (this.pos >= this.text.length) {
        if (where === 'prolog' || this.truncatedTail) this.eof('Unexpected EOF in prolog');
        this.state = 'done';
        return { type: 'eof' };
      }
      if (this.text[this.pos] === '\0') this.refuseNul();
      const c = this.text[this.pos++];
      if (isIllegal(c.charCodeAt(0))) this.fail('WstxUnexpectedCharException', `Illegal character (${charDesc(c)})`);
      if (c !== '<') this.unexpected(c, ` in ${where}; expected '<'`);
      const d = this.take(`Unexpected EOF in ${where}`);
      if (d === '!') {
        if (this.text.startsWith('--', this.pos)) {
          this.pos += 2;
          this.readComment();
          continue;
        }
        this.take(`Unexpected EOF in ${where}`);
        this.fail(
          'WstxParsingException',
          "Unrecognized XML directive; expected CDATA or comment ('<![CDATA[' or '<!--').",
        );
      }
      if (d === '?') {
        this.readPi();
        continue;
      }
      if (d === '/')
        this.fail(
          'WstxParsingException',
          where === 'prolog'
            ? "Unexpected character combination '</' in prolog."
            : "Unexpected character combination '</' in epilog (extra close tag?).",
        );
      if (where === 'epilog') {
        if (isNameStart(d)) this.fail('WstxParsingException', 'Illegal to have multiple roots (start tag in epilog?).');
        this.unexpected(d, " in epilog, after '<'.");
      }
      if (!isNameStart(d) && d !== ':') this.unexpected(d, " in prolog, after '<'.");
      this.pos--;
      return this.readStartTag();
    }
  }
}
