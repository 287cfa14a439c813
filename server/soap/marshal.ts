import { SOAP11_ENVELOPE_NS } from '../../wsdl/contract.js';
import type { ElementDecl, SchemaModel } from '../../wsdl/schema-model.js';
import { escapeXml } from '../../wsdl/xml.js';

/**
 * Responses in Metro's shape, written in the order the schema declares: `<?xml version='1.0' encoding='UTF-8'?>`,
 * `S:` envelope, `ns2:` wrapper, unqualified children. Strings are written by hand rather than through
 * a DOM: one response is a few concatenations.
 */

export class MarshalError extends Error {}

/**
 * Long strings already found to need no escaping (a collected certificate: ~6.5 kB of base64 scanned on
 * every poll otherwise). A string object caches its hash, so asking again for the same one costs nothing.
 */
const plainLongStrings = new Set<string>();
const LONG = 1024;

function escaped(text: string): string {
  if (text.length < LONG) return escapeXml(text);
  if (plainLongStrings.has(text)) return text;
  const out = escapeXml(text);
  if (out === text) {
    if (plainLongStrings.size >= 256) plainLongStrings.clear();
    plainLongStrings.add(text);
  }
  return out;
}

function writeValue(decl: ElementDecl, value: unknown, model: SchemaModel, out: string[]): void {
  if (decl.type.kind === 'builtin') {
    out.push(`<${decl.name}>${escaped(String(value))}</${decl.name}>`);
    return;
  }
  out.push(`<${decl.name}>`);
  writeChildren(decl.type.name, value as Record<string, unknown>, model, out);
  out.push(`</${decl.name}>`);
}

function writeChildren(typeName: string, value: Record<string, unknown>, model: SchemaModel, out: string[]): void {
  for (const decl of model.childrenOf(typeName)) {
    const v = value[decl.name];
    const items = v === undefined || v === null ? [] : decl.maxOccurs > 1 ? (v as unknown[]) : [v];
    if (items.length < decl.minOccurs) throw new MarshalError(`${typeName}.${decl.name} is required`);
    if (items.length > decl.maxOccurs)
      throw new MarshalError(`${typeName}.${decl.name} occurs at most ${decl.maxOccurs} times`);
    for (const item of items) writeValue(decl, item, model, out);
  }
}

/**
 * The response envelope for an operation. `result` is what the operation returns (the wrapper's single
 * `return` child, or the list of them).
 */
export function marshalResponse(model: SchemaModel, operation: string, namespace: string, result: unknown): string {
  const op = model.operations.get(operation);
  const typeRef = op && model.elements.get(op.outputElement);
  if (!op || !typeRef || typeRef.kind !== 'complex') throw new MarshalError(`no output element for ${operation}`);
  const out: string[] = [
    `<?xml version='1.0' encoding='UTF-8'?><S:Envelope xmlns:S="${SOAP11_ENVELOPE_NS}"><S:Body><ns2:${op.outputElement} xmlns:ns2="${escapeXml(namespace)}">`,
  ];
  writeChildren(typeRef.name, { return: result }, model, out);
  out.push(`</ns2:${op.outputElement}></S:Body></S:Envelope>`);
  return out.join('');
}
