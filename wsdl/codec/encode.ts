import { contract, SOAP11_ENVELOPE_NS, SOAP12_ENVELOPE_NS } from '../contract.js';
import type { ElementDecl, SchemaModel } from '../schema-model.js';
import { escapeXml } from '../xml.js';
import { CodecError, wrapperType, type Direction } from './schema.js';

/**
 * Writing a message, children in the order the schema declares them, unqualified (elementFormDefault
 * unqualified, as JAX-WS publishes it: a qualified schema would be written unqualified all the same), the
 * wrapper in the namespace given. Strings are written by hand rather than through a DOM: a whole response is
 * a few concatenations (the server's hot path).
 */

/** How the envelope is spelled: the prefixes and the XML declaration's quotes differ between stacks. */
export interface EnvelopeStyle {
  xmlDeclaration: string;
  envelopePrefix: string;
  wrapperPrefix: string;
}

/** Metro's (JAX-WS RI): `<?xml version='1.0' encoding='UTF-8'?>`, `S:` envelope, `ns2:` wrapper. */
export const METRO_STYLE: EnvelopeStyle = {
  xmlDeclaration: "<?xml version='1.0' encoding='UTF-8'?>",
  envelopePrefix: 'S',
  wrapperPrefix: 'ns2',
};

/** The typed client's requests (zeep's spelling): `soap:` envelope, `ns0:` wrapper. */
export const CLIENT_STYLE: EnvelopeStyle = {
  xmlDeclaration: '<?xml version="1.0" encoding="UTF-8"?>',
  envelopePrefix: 'soap',
  wrapperPrefix: 'ns0',
};

export interface EncodeOptions {
  /** the wrapper's namespace (the live one is unconfirmed: configurable on both sides) */
  namespace: string;
  model?: SchemaModel;
  style?: EnvelopeStyle;
  /**
   * Check occurrences against the schema (a required element missing, a single one given a list) and throw
   * CodecError: a server must never write what the schema forbids. Off, what is given is written.
   */
  checkOccurrences?: boolean;
}

/**
 * Long strings already found to need no escaping (a collected certificate: ~6.5 kB of base64 scanned on
 * every poll otherwise). A string object caches its hash, so asking again for the same one costs nothing.
 */
const plainLongStrings = new Set<string>();
const LONG = 1024;
/**
 * Bounds of that cache: strings kept at most, and the longest kept (a certificate bundle is a few kB; a longer
 * string, such as a CSR a client sends, is scanned each time), so it never holds more than ~8 MB.
 */
export const PLAIN_STRINGS_KEPT = 256;
export const PLAIN_STRING_MAX = 16 * 1024;

function escaped(text: string): string {
  if (text.length < LONG || text.length > PLAIN_STRING_MAX) return escapeXml(text);
  if (plainLongStrings.has(text)) return text;
  const out = escapeXml(text);
  if (out === text) {
    if (plainLongStrings.size >= PLAIN_STRINGS_KEPT) plainLongStrings.clear();
    plainLongStrings.add(text);
  }
  return out;
}

function writeValue(decl: ElementDecl, value: unknown, model: SchemaModel, check: boolean, out: string[]): void {
  if (decl.type.kind === 'builtin') {
    out.push(`<${decl.name}>${escaped(String(value))}</${decl.name}>`);
    return;
  }
  out.push(`<${decl.name}>`);
  writeChildren(decl.type.name, value as Record<string, unknown>, model, check, out);
  out.push(`</${decl.name}>`);
}

function writeChildren(
  typeName: string,
  value: Record<string, unknown>,
  model: SchemaModel,
  check: boolean,
  out: string[],
): void {
  for (const decl of model.childrenOf(typeName)) {
    const v = value[decl.name];
    // checking, a list given for a single element is counted (and refused), not written as its String()
    const items = v === undefined || v === null ? [] : Array.isArray(v) && (decl.maxOccurs > 1 || check) ? v : [v];
    if (check) {
      if (items.length < decl.minOccurs) throw new CodecError(`${typeName}.${decl.name} is required`);
      if (items.length > decl.maxOccurs)
        throw new CodecError(`${typeName}.${decl.name} occurs at most ${decl.maxOccurs} times`);
    }
    for (const item of items) writeValue(decl, item, model, check, out);
  }
}

/** An operation's wrapper, ready to write: the text around its children and the type of the children. */
interface Prepared {
  open: string;
  close: string;
  typeName: string;
}

/**
 * Writes messages for one namespace, style and model. The text around an operation's children is made once
 * per operation, not on every message: make one encoder and keep it (the server's hot path).
 */
export class SoapEncoder {
  private readonly model: SchemaModel;
  private readonly check: boolean;
  private readonly prepared: Record<Direction, Map<string, Prepared>> = { request: new Map(), response: new Map() };

  constructor(private readonly opts: EncodeOptions) {
    this.model = opts.model ?? contract;
    this.check = opts.checkOccurrences ?? false;
  }

  /** An operation's request envelope: `args` are the wrapper's children by name (default style: the client's). */
  request(operation: string, args: object): string {
    return this.write(this.prepare(operation, 'request'), args as Record<string, unknown>);
  }

  /**
   * An operation's response envelope: `result` is what the operation returns, the wrapper's `return` (a value,
   * or the list of them). Default style: Metro's.
   */
  response(operation: string, result: unknown): string {
    return this.write(this.prepare(operation, 'response'), { return: result });
  }

  private write(p: Prepared, value: Record<string, unknown>): string {
    const out: string[] = [p.open];
    writeChildren(p.typeName, value, this.model, this.check, out);
    out.push(p.close);
    return out.join('');
  }

  private prepare(operation: string, direction: Direction): Prepared {
    let p = this.prepared[direction].get(operation);
    if (!p) {
      const { element, typeName } = wrapperType(this.model, operation, direction);
      const style = this.opts.style ?? (direction === 'request' ? CLIENT_STYLE : METRO_STYLE);
      const { envelopePrefix: e, wrapperPrefix: w } = style;
      p = {
        open: `${style.xmlDeclaration}<${e}:Envelope xmlns:${e}="${SOAP11_ENVELOPE_NS}"><${e}:Body><${w}:${element} xmlns:${w}="${escapeXml(this.opts.namespace)}">`,
        close: `</${w}:${element}></${e}:Body></${e}:Envelope>`,
        typeName,
      };
      this.prepared[direction].set(operation, p);
    }
    return p;
  }
}

/** One request envelope (an encoder made for it: keep a SoapEncoder where messages are many). */
export function encodeRequest(operation: string, args: object, opts: EncodeOptions): string {
  return new SoapEncoder(opts).request(operation, args);
}

/** One response envelope (an encoder made for it: keep a SoapEncoder where messages are many). */
export function encodeResponse(operation: string, result: unknown, opts: EncodeOptions): string {
  return new SoapEncoder(opts).response(operation, result);
}

/**
 * A SOAP 1.1 Fault envelope as Metro writes one: `<faultcode>S:Client</faultcode><faultstring>...`, and the
 * SOAP 1.2 namespace declared on the Fault element (Metro's habit; clients ignore it). `code` is the local part.
 */
export function encodeFault(code: string, faultstring: string): string {
  return (
    `<?xml version='1.0' encoding='UTF-8'?><S:Envelope xmlns:S="${SOAP11_ENVELOPE_NS}"><S:Body>` +
    `<S:Fault xmlns:ns4="${SOAP12_ENVELOPE_NS}"><faultcode>S:${code}</faultcode><faultstring>${escapeXml(faultstring)}</faultstring></S:Fault>` +
    `</S:Body></S:Envelope>`
  );
}
