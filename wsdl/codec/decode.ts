import type { XmlElement } from 'libxml2-wasm';
import { contract, XSI_NS } from '../contract.js';
import type { OperationDecl, SchemaModel } from '../schema-model.js';
import { elementChildren } from '../xml.js';
import { CodecError, declsOf, operationByWrapper, wrapperType, type Direction } from './schema.js';

/**
 * Reading a message by the schema, the way JAXB reads one behind JAX-WS (docs/wire-fidelity.md: real clients
 * send children in different orders): children matched by name in any order, an unknown child ignored, a
 * missing one left undefined (a list: empty), a nil one (xsi:nil="true") skipped, a repeated single one: the
 * last wins. What cannot be read is a CodecError naming the element: a value that does not parse as its schema
 * type (xs:int and the other bounded integers, range included; xs:boolean). Every other simple type is read as
 * its text, whitespace included.
 *
 * Two modes, differing only in which elements they look at:
 * - `strict` (the server reading a request, as Metro does): the wrapper in the namespace given, children in
 *   the schema's element form (unqualified: no namespace); a child in another namespace is an unknown one.
 * - `lenient` (the client reading a live service's answer): elements matched by local name, whatever their
 *   namespace or prefix.
 * Values are checked alike in both. The client used to read a malformed int with Number() and any boolean
 * text but true/1 as false; chosen instead: a value that is not its type is an error in lenient mode too
 * (the client reports a malformed answer), since misreading a status code is worse than refusing it.
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
  const out: Record<string, unknown> = {};
  for (const child of elementChildren(el)) {
    if (ns !== undefined && child.namespaceUri !== ns) continue;
    const alias = decls.has(child.name) ? undefined : aliases?.[child.name];
    const decl = decls.get(alias ?? child.name);
    if (!decl || isNil(child)) continue;
    const value =
      decl.type.kind === 'builtin'
        ? readSimpleValue(decl.type.name, child.content, decl.name)
        : readObject(child, decl.type.name, model, ns, opts);
    if (decl.maxOccurs > 1) ((out[decl.name] ??= []) as unknown[]).push(value);
    else if (!(decl.name in out) || !alias) out[decl.name] = value; // a repeated single element: last wins; the real name beats an alias
  }
  for (const decl of decls.values()) if (decl.maxOccurs > 1 && out[decl.name] === undefined) out[decl.name] = [];
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
