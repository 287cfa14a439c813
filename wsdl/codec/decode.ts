import { XmlCData, XmlElement, XmlText } from 'libxml2-wasm';
import { contract, XSI_NS } from '../contract.js';
import type { OperationDecl, SchemaModel } from '../schema-model.js';
import { childNodes, elementChildren } from '../xml.js';
import { CodecError, declsOf, operationByWrapper, wrapperType, type Direction } from './schema.js';

/**
 * Reading a message by the schema (docs/wire-fidelity.md: real clients send children in different orders):
 * children matched by name in any order, an unknown child ignored, a missing one left undefined (a list:
 * empty), a repeated single one: the last wins.
 *
 * Two modes:
 * - `strict` (the server reading a request): as Metro's JAXB reads one, checked against JAX-WS RI 2.3.0.2 by
 *   test/metro/. The wrapper in the namespace given, children in the schema's element form (unqualified: no
 *   namespace); a child in another namespace is an unknown one. Values are never an error: an xs:int is read
 *   as JAXB's DatatypeConverter reads it (whitespace anywhere skipped, a '-' anywhere makes it negative, the
 *   digits wrap around as a Java int does: 99999999999 is 1215752191; empty is 0), text JAXB cannot read
 *   leaves the member as it was (undefined, or an earlier occurrence's value); a simple element's text is what
 *   follows its last child element (comments and processing instructions skipped); xsi:nil counts only where
 *   the schema declares the element nillable (elsewhere the element is read as if it had none; a nil list item
 *   is dropped, where Java code would get a null); a required xs:int member missing is 0 (a Java int).
 * - `lenient` (the client reading a live service's answer): elements matched by local name, whatever their
 *   namespace or prefix; a nil element skipped; a value that does not parse as its schema type (xs:int and the
 *   other bounded integers, range included; xs:boolean) is a CodecError naming the element, since misreading
 *   a status code is worse than refusing it. Every other simple type is read as its text, whitespace included.
 */

export type DecodeMode = 'strict' | 'lenient';

export interface DecodeOptions {
  mode: DecodeMode;
  model?: SchemaModel;
  /** strict: the wrapper's namespace (lenient ignores it) */
  namespace?: string;
  /** extra accepted member names per complex type: { AuthData: { URI: 'customerLoginUri' } }; the real name wins */
  aliases?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** Bounded XSD integer types: [min, max], and whether the value fits a JS number exactly. */
const INTEGERS: Record<string, { range: readonly [bigint, bigint]; number: boolean }> = {
  byte: { range: [-128n, 127n], number: true },
  short: { range: [-(2n ** 15n), 2n ** 15n - 1n], number: true },
  int: { range: [-(2n ** 31n), 2n ** 31n - 1n], number: true },
  long: { range: [-(2n ** 63n), 2n ** 63n - 1n], number: false },
  unsignedByte: { range: [0n, 255n], number: true },
  unsignedShort: { range: [0n, 2n ** 16n - 1n], number: true },
  unsignedInt: { range: [0n, 2n ** 32n - 1n], number: true },
  unsignedLong: { range: [0n, 2n ** 64n - 1n], number: false },
};

/** The offending value for an error message, cut short: a megabyte of digits is not echoed back. */
function quoted(text: string): string {
  return JSON.stringify(text.length > 64 ? `${text.slice(0, 64)}...` : text);
}

/** A simple-typed value: a number (bigint for 64-bit types), a boolean, or the text as sent. */
export function readSimpleValue(type: string, text: string, element: string): unknown {
  const integer = INTEGERS[type];
  if (integer) {
    // the lexical space is [+-]?[0-9]+, leading zeros included; past 30 significant digits it is out of range anyway
    const m = /^([+-]?)0*(\d{1,30})$/.exec(text.trim());
    if (!m) throw new CodecError(`Not a number: ${quoted(text)} (element ${element}, xs:${type})`);
    const v = BigInt(m[1] + m[2]);
    if (v < integer.range[0] || v > integer.range[1])
      throw new CodecError(`Not a number: ${quoted(text)} is out of xs:${type} range (element ${element})`);
    return integer.number ? Number(v) : v;
  }
  if (type === 'boolean') {
    const t = text.trim();
    if (t === 'true' || t === '1') return true;
    if (t === 'false' || t === '0') return false;
    throw new CodecError(`${quoted(text)} is not an xs:boolean (element ${element})`);
  }
  return text;
}

/** XML whitespace, as JAXB's WhiteSpaceProcessor knows it. */
const isXmlSpace = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r';

/**
 * JAXB's DatatypeConverterImpl._parseInt/_parseLong: whitespace skipped anywhere, '+' ignored, a '-' anywhere
 * makes it negative, the digits accumulated with the Java type's overflow; any other character: unreadable.
 */
function jaxbInteger(text: string, bits: 32 | 64): bigint | undefined {
  let r = 0n;
  let negative = false;
  for (const c of text) {
    if (c >= '0' && c <= '9') r = BigInt.asIntN(bits, r * 10n + BigInt(c.charCodeAt(0) - 48));
    else if (c === '-') negative = true;
    else if (c !== '+' && !isXmlSpace(c)) return undefined;
  }
  return BigInt.asIntN(bits, negative ? -r : r);
}

/**
 * A simple value as JAXB reads it into the Java type wsimport maps the XSD type to; undefined when JAXB cannot
 * read it. xs:boolean is not in the contract, so its reading here (true/1, false/0, trimmed) is unverified.
 */
function jaxbValue(type: string, text: string): unknown {
  switch (type) {
    case 'int':
    case 'unsignedShort':
      return jaxbNumber(jaxbInteger(text, 32));
    case 'short':
    case 'unsignedByte':
      return jaxbNumber(jaxbInteger(text, 32), 16);
    case 'byte':
      return jaxbNumber(jaxbInteger(text, 32), 8);
    case 'unsignedInt':
      return jaxbNumber(jaxbInteger(text, 64));
    case 'long':
      return jaxbInteger(text, 64);
    case 'unsignedLong': {
      const t = text.trim();
      return /^[+-]?\d+$/.test(t) ? BigInt(t) : undefined;
    }
    case 'boolean': {
      const t = text.trim();
      return t === 'true' || t === '1' ? true : t === 'false' || t === '0' ? false : undefined;
    }
    default:
      return text;
  }
}

/** A Java int (or short, byte: `bits`) as a number. */
function jaxbNumber(v: bigint | undefined, bits = 32): number | undefined {
  return v === undefined ? undefined : Number(BigInt.asIntN(bits, v));
}

/** The text JAXB reads for a simple element: text and CDATA after its last child element. */
function jaxbText(el: XmlElement): string {
  let text = '';
  for (const n of childNodes(el)) {
    if (n instanceof XmlElement) text = '';
    else if (n instanceof XmlText || n instanceof XmlCData) text += n.content;
  }
  return text;
}

/** The Java int wsimport makes of a required xs:int (a missing one reads as 0). */
const PRIMITIVE_ZERO: Record<string, unknown> = {
  int: 0,
  short: 0,
  byte: 0,
  long: 0n,
  unsignedShort: 0,
  unsignedByte: 0,
  unsignedInt: 0,
};

function isNil(el: XmlElement): boolean {
  const nil = el.attrs.find((a) => a.name === 'nil' && a.namespaceUri === XSI_NS)?.value.trim();
  return nil === 'true' || nil === '1';
}

/** The namespace children must be in, or undefined for any (lenient). */
function childNamespace(model: SchemaModel, mode: DecodeMode): string | undefined {
  if (mode === 'lenient') return undefined;
  return model.elementFormQualified ? model.targetNamespace : '';
}

function readObject(
  el: XmlElement,
  typeName: string,
  model: SchemaModel,
  ns: string | undefined,
  opts: DecodeOptions,
): Record<string, unknown> {
  const decls = declsOf(model, typeName);
  const aliases = opts.aliases?.[typeName];
  const jaxb = opts.mode === 'strict';
  const out: Record<string, unknown> = {};
  for (const child of elementChildren(el)) {
    if (ns !== undefined && child.namespaceUri !== ns) continue;
    const alias = decls.has(child.name) ? undefined : aliases?.[child.name];
    const decl = decls.get(alias ?? child.name);
    if (!decl || (isNil(child) && (!jaxb || decl.nillable || decl.maxOccurs > 1))) continue;
    const value =
      decl.type.kind === 'complex'
        ? readObject(child, decl.type.name, model, ns, opts)
        : jaxb
          ? jaxbValue(decl.type.name, jaxbText(child))
          : readSimpleValue(decl.type.name, child.content, decl.name);
    if (value === undefined) continue; // JAXB could not read it: the member keeps what it had
    if (decl.maxOccurs > 1) ((out[decl.name] ??= []) as unknown[]).push(value);
    else if (!(decl.name in out) || !alias) out[decl.name] = value; // a repeated single element: last wins; the real name beats an alias
  }
  for (const decl of decls.values()) {
    if (decl.maxOccurs > 1 && out[decl.name] === undefined) out[decl.name] = [];
    const zero = PRIMITIVE_ZERO[decl.type.name];
    if (jaxb && decl.minOccurs > 0 && !decl.nillable && decl.type.kind === 'builtin' && zero !== undefined)
      out[decl.name] ??= zero;
  }
  return out;
}

/**
 * The operation whose request (or response) wrapper `el` is; undefined for none. Strict: the wrapper must be
 * in `opts.namespace`; lenient: its local name decides.
 */
export function wrapperOperation(el: XmlElement, direction: Direction, opts: DecodeOptions): OperationDecl | undefined {
  if (opts.mode === 'strict' && el.namespaceUri !== opts.namespace) return undefined;
  return operationByWrapper(opts.model ?? contract, direction, el.name);
}

/** An operation's arguments, read from its request wrapper (found with wrapperOperation). */
export function decodeRequest(el: XmlElement, operation: string, opts: DecodeOptions): Record<string, unknown> {
  const model = opts.model ?? contract;
  const { typeName } = wrapperType(model, operation, 'request');
  return readObject(el, typeName, model, childNamespace(model, opts.mode), opts);
}

/** An operation's result, read from its response wrapper: the `return` value, the list of them, or undefined. */
export function decodeResponse(el: XmlElement, operation: string, opts: DecodeOptions): unknown {
  const model = opts.model ?? contract;
  const { typeName } = wrapperType(model, operation, 'response');
  return readObject(el, typeName, model, childNamespace(model, opts.mode), opts).return;
}
