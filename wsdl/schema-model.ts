import { XmlDocument, type XmlElement } from 'libxml2-wasm';
import { elementChildren } from './xml.js';

/**
 * A small, typed reading of a document/literal WSDL: the schema's global elements and complex types,
 * and the operations of its portType. The server marshals and unmarshals with it, the conformance kit
 * diffs two of them. Only the XSD subset a JAX-WS runtime publishes is understood
 * (sequence, complexContent/extension, built-in simple types).
 */

export const XSD_NS = 'http://www.w3.org/2001/XMLSchema';
export const WSDL_NS = 'http://schemas.xmlsoap.org/wsdl/';
export const WSDL_SOAP11_NS = 'http://schemas.xmlsoap.org/wsdl/soap/';

export type TypeRef =
  | { kind: 'builtin'; name: string } // local name in the XSD namespace: int, string, ...
  | { kind: 'complex'; name: string }; // local name of a complex type in the target namespace

export interface ElementDecl {
  name: string;
  type: TypeRef;
  minOccurs: number;
  /** Infinity for unbounded */
  maxOccurs: number;
  nillable: boolean;
}

export interface ComplexTypeDecl {
  name: string;
  abstract: boolean;
  base?: string;
  /** own sequence only; see SchemaModel.childrenOf for the inherited view */
  sequence: ElementDecl[];
}

export interface OperationDecl {
  name: string;
  soapAction: string;
  inputElement: string;
  outputElement: string;
}

export interface SchemaModel {
  targetNamespace: string;
  elementFormQualified: boolean;
  serviceName: string;
  portName: string;
  portTypeName: string;
  soapVersion: '1.1' | '1.2' | 'unknown';
  bindingStyle: string;
  address: string;
  elements: Map<string, TypeRef>;
  types: Map<string, ComplexTypeDecl>;
  operations: Map<string, OperationDecl>;
  /** children of a complex type in document order, base type's first */
  childrenOf(typeName: string): ElementDecl[];
}

export class WsdlModelError extends Error {}

function localOf(qname: string): string {
  const i = qname.indexOf(':');
  return i < 0 ? qname : qname.slice(i + 1);
}

function resolveType(el: XmlElement, qname: string): TypeRef {
  const i = qname.indexOf(':');
  const prefix = i < 0 ? '' : qname.slice(0, i);
  const ns = el.namespaceForPrefix(prefix) ?? '';
  return ns === XSD_NS ? { kind: 'builtin', name: localOf(qname) } : { kind: 'complex', name: localOf(qname) };
}

function attr(el: XmlElement, name: string): string | undefined {
  return el.attr(name)?.value;
}

function parseOccurs(v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (v === 'unbounded') return Infinity;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new WsdlModelError(`bad occurrence value ${v}`);
  return n;
}

function readSequence(seq: XmlElement | undefined): ElementDecl[] {
  if (!seq) return [];
  return elementChildren(seq)
    .filter((c) => c.namespaceUri === XSD_NS && c.name === 'element')
    .map((c) => {
      const name = attr(c, 'name');
      const type = attr(c, 'type');
      if (!name || !type)
        throw new WsdlModelError('xs:element without name or type (anonymous types are not supported)');
      return {
        name,
        type: resolveType(c, type),
        minOccurs: parseOccurs(attr(c, 'minOccurs'), 1),
        maxOccurs: parseOccurs(attr(c, 'maxOccurs'), 1),
        nillable: attr(c, 'nillable') === 'true',
      };
    });
}

function xsChild(el: XmlElement, name: string): XmlElement | undefined {
  return elementChildren(el).find((c) => c.namespaceUri === XSD_NS && c.name === name);
}

function wsdlChildren(el: XmlElement, name: string): XmlElement[] {
  return elementChildren(el).filter((c) => c.namespaceUri === WSDL_NS && c.name === name);
}

/** Build the model from WSDL text. Throws WsdlModelError for anything it cannot read. */
export function readWsdl(text: string): SchemaModel {
  let doc: XmlDocument;
  try {
    doc = XmlDocument.fromString(text);
  } catch (err) {
    throw new WsdlModelError(`the WSDL is not well-formed XML: ${(err as Error).message.trim()}`);
  }
  try {
    return modelFrom(doc.root);
  } finally {
    doc.dispose();
  }
}

function modelFrom(defs: XmlElement): SchemaModel {
  if (defs.namespaceUri !== WSDL_NS || defs.name !== 'definitions')
    throw new WsdlModelError('root is not wsdl:definitions');
  const typesEl = wsdlChildren(defs, 'types')[0];
  const schema = typesEl && elementChildren(typesEl).find((c) => c.namespaceUri === XSD_NS && c.name === 'schema');
  if (!schema) throw new WsdlModelError('no inline xs:schema in wsdl:types (imported schemas are not supported)');

  const elements = new Map<string, TypeRef>();
  const types = new Map<string, ComplexTypeDecl>();
  for (const c of elementChildren(schema)) {
    if (c.namespaceUri !== XSD_NS) continue;
    const name = attr(c, 'name');
    if (!name) continue;
    if (c.name === 'element') {
      const type = attr(c, 'type');
      if (type) elements.set(name, resolveType(c, type));
    } else if (c.name === 'complexType') {
      const content = xsChild(c, 'complexContent');
      const ext = content && xsChild(content, 'extension');
      types.set(name, {
        name,
        abstract: attr(c, 'abstract') === 'true',
        base: ext ? localOf(attr(ext, 'base') ?? '') : undefined,
        sequence: readSequence(xsChild(ext ?? c, 'sequence')),
      });
    }
  }

  const messages = new Map<string, string>();
  for (const m of wsdlChildren(defs, 'message')) {
    const part = wsdlChildren(m, 'part')[0];
    const element = part && attr(part, 'element');
    if (element) messages.set(attr(m, 'name') ?? '', localOf(element));
  }

  const portType = wsdlChildren(defs, 'portType')[0];
  const binding = wsdlChildren(defs, 'binding')[0];
  const service = wsdlChildren(defs, 'service')[0];
  const port = service && wsdlChildren(service, 'port')[0];
  const soapBinding = binding && elementChildren(binding).find((c) => c.name === 'binding');
  const address = port && elementChildren(port).find((c) => c.name === 'address');

  const soapActions = new Map<string, string>();
  for (const op of binding ? wsdlChildren(binding, 'operation') : []) {
    const soapOp = elementChildren(op).find((c) => c.name === 'operation');
    soapActions.set(attr(op, 'name') ?? '', (soapOp && attr(soapOp, 'soapAction')) ?? '');
  }
  const operations = new Map<string, OperationDecl>();
  for (const op of portType ? wsdlChildren(portType, 'operation') : []) {
    const name = attr(op, 'name') ?? '';
    const input = wsdlChildren(op, 'input')[0];
    const output = wsdlChildren(op, 'output')[0];
    operations.set(name, {
      name,
      soapAction: soapActions.get(name) ?? '',
      inputElement: messages.get(localOf((input && attr(input, 'message')) ?? '')) ?? '',
      outputElement: messages.get(localOf((output && attr(output, 'message')) ?? '')) ?? '',
    });
  }

  const childrenCache = new Map<string, ElementDecl[]>();
  const childrenOf = (typeName: string): ElementDecl[] => {
    const cached = childrenCache.get(typeName);
    if (cached) return cached;
    const t = types.get(typeName);
    if (!t) throw new WsdlModelError(`unknown complex type ${typeName}`);
    const all = [...(t.base ? childrenOf(t.base) : []), ...t.sequence];
    childrenCache.set(typeName, all);
    return all;
  };

  return {
    targetNamespace: attr(schema, 'targetNamespace') ?? '',
    elementFormQualified: attr(schema, 'elementFormDefault') === 'qualified',
    serviceName: (service && attr(service, 'name')) ?? '',
    portName: (port && attr(port, 'name')) ?? '',
    portTypeName: (portType && attr(portType, 'name')) ?? '',
    soapVersion: !soapBinding ? 'unknown' : soapBinding.namespaceUri === WSDL_SOAP11_NS ? '1.1' : '1.2',
    bindingStyle: (soapBinding && attr(soapBinding, 'style')) ?? '',
    address: (address && attr(address, 'location')) ?? '',
    elements,
    types,
    operations,
    childrenOf,
  };
}
