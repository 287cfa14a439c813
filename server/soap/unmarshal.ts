import type { XmlElement } from 'libxml2-wasm';
import { XSI_NS } from '../../wsdl/contract.js';
import type { ElementDecl, SchemaModel } from '../../wsdl/schema-model.js';
import { elementChildren } from '../../wsdl/xml.js';
import { SoapFault } from './fault.js';

/**
 * Request unmarshalling as JAXB does it behind a JAX-WS endpoint, which is lenient by design
 * (docs/wire-fidelity.md: real clients send children in different orders): children are matched by name in any order, an unknown or
 * namespace-qualified child is ignored, a missing one stays undefined for the business rules to answer.
 * What JAXB cannot convert is a fault: a value that does not parse as its schema type.
 */

export interface UnmarshalOptions {
  /** extra accepted member names per complex type: { AuthData: { URI: 'customerLoginUri' } } */
  aliases?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

const INT_RANGES: Record<string, [bigint, bigint]> = {
  int: [-(2n ** 31n), 2n ** 31n - 1n],
  long: [-(2n ** 63n), 2n ** 63n - 1n],
  short: [-(2n ** 15n), 2n ** 15n - 1n],
  byte: [-128n, 127n],
};

function unmarshalError(detail: string): SoapFault {
  return new SoapFault('Client', `Unmarshalling Error: ${detail}`);
}

/** The offending value for a fault message, cut short: a megabyte of digits is not echoed back. */
function quoted(text: string): string {
  return JSON.stringify(text.length > 64 ? `${text.slice(0, 64)}...` : text);
}

function builtinValue(type: string, text: string, element: string): unknown {
  const range = INT_RANGES[type];
  if (range) {
    // xs:int's lexical space is [+-]?[0-9]+, leading zeros included; past 30 significant digits it is out of range anyway
    const m = /^([+-]?)0*(\d{1,30})$/.exec(text.trim());
    if (!m) throw unmarshalError(`Not a number: ${quoted(text)} (element ${element}, xs:${type})`);
    const v = BigInt(m[1] + m[2]);
    if (v < range[0] || v > range[1])
      throw unmarshalError(`Not a number: ${quoted(text)} is out of xs:${type} range (element ${element})`);
    return type === 'long' ? v : Number(v);
  }
  if (type === 'boolean') {
    const t = text.trim();
    if (t === 'true' || t === '1') return true;
    if (t === 'false' || t === '0') return false;
    throw unmarshalError(`${quoted(text)} is not an xs:boolean (element ${element})`);
  }
  return text; // xs:string and anything else textual: as sent, whitespace included
}

function isNil(el: XmlElement): boolean {
  const nil = el.attrs.find((a) => a.name === 'nil' && a.namespaceUri === XSI_NS)?.value.trim();
  return nil === 'true' || nil === '1';
}

const declsByModel = new WeakMap<SchemaModel, Map<string, Map<string, ElementDecl>>>();

/** The children a type declares, by name (built once per model and type). */
function declsOf(model: SchemaModel, typeName: string): Map<string, ElementDecl> {
  let byType = declsByModel.get(model);
  if (!byType) declsByModel.set(model, (byType = new Map()));
  let decls = byType.get(typeName);
  if (!decls) byType.set(typeName, (decls = new Map(model.childrenOf(typeName).map((d) => [d.name, d]))));
  return decls;
}

export function unmarshal(
  el: XmlElement,
  typeName: string,
  model: SchemaModel,
  opts: UnmarshalOptions = {},
): Record<string, unknown> {
  const decls = declsOf(model, typeName);
  const aliases = opts.aliases?.[typeName] ?? {};
  const out: Record<string, unknown> = {};
  for (const child of elementChildren(el)) {
    if (child.namespaceUri !== (model.elementFormQualified ? model.targetNamespace : '')) continue;
    const name = decls.has(child.name) ? child.name : aliases[child.name];
    const decl = name === undefined ? undefined : decls.get(name);
    if (!decl || isNil(child)) continue;
    const value =
      decl.type.kind === 'builtin'
        ? builtinValue(decl.type.name, child.content, decl.name)
        : unmarshal(child, decl.type.name, model, opts);
    if (decl.maxOccurs > 1) ((out[decl.name] ??= []) as unknown[]).push(value);
    else if (!(decl.name in out) || !aliases[child.name]) out[decl.name] = value; // a repeated single element: last wins; the real name beats an alias
  }
  return out;
}
