import type { ElementDecl, SchemaModel, TypeRef } from '../../wsdl/schema-model.js';

/**
 * The SOAP drift report: every structural difference between ccm-mock's contract (wsdl/EPKIManager.wsdl) and
 * the WSDL an endpoint serves. Types are compared by walking from each operation's wrapper elements
 * down, so a renamed type is reported once where it is referenced and its content is still compared.
 * Each item says what to change in the mock to match the endpoint.
 */

/**
 * SOAP (the WSDL): namespace ... order. REST (an answer against wsdl/rest): `field` (a field unknown, missing or of
 * another type), `status` (another HTTP status), `code` (a code the catalog does not list for the operation),
 * `content-type`.
 */
export type DriftAspect =
  | 'namespace'
  | 'binding'
  | 'service'
  | 'operation'
  | 'element'
  | 'type'
  | 'occurrence'
  | 'order'
  | 'field'
  | 'status'
  | 'code'
  | 'content-type';

export interface DriftItem {
  aspect: DriftAspect;
  /** where, e.g. "enroll > authData > login" or "operation revokeAllByPerson" */
  path: string;
  /** in ccm-mock's WSDL ("(absent)" when missing) */
  expected: string;
  /** at the endpoint ("(absent)" when missing) */
  actual: string;
  /** what to change in the mock to match */
  fix: string;
}

const ABSENT = '(absent)';
const WSDL_FILE = 'wsdl/EPKIManager.wsdl';

const typeName = (t: TypeRef) => (t.kind === 'builtin' ? `xs:${t.name}` : t.name);
const occurs = (d: ElementDecl) => `${d.minOccurs}..${d.maxOccurs === Infinity ? 'unbounded' : d.maxOccurs}`;

function safeChildren(model: SchemaModel, type: string): ElementDecl[] | string {
  try {
    return model.childrenOf(type);
  } catch (err) {
    return (err as Error).message;
  }
}

export function wsdlDrift(expected: SchemaModel, actual: SchemaModel): DriftItem[] {
  const items: DriftItem[] = [];
  const add = (aspect: DriftAspect, path: string, e: string, a: string, fix: string) =>
    items.push({ aspect, path, expected: e, actual: a, fix });

  if (expected.targetNamespace !== actual.targetNamespace) {
    add(
      'namespace',
      'targetNamespace',
      expected.targetNamespace,
      actual.targetNamespace,
      `serve the mock with --namespace ${actual.targetNamespace} (CCM_MOCK_NAMESPACE), and give clients the same namespace (ccm --namespace, CcmClient { namespace })`,
    );
  }
  if (expected.elementFormQualified !== actual.elementFormQualified) {
    const q = (b: boolean) => (b ? 'qualified' : 'unqualified');
    add(
      'namespace',
      'elementFormDefault',
      q(expected.elementFormQualified),
      q(actual.elementFormQualified),
      `set elementFormDefault="${q(actual.elementFormQualified)}" on the xs:schema in ${WSDL_FILE}`,
    );
  }
  if (expected.soapVersion !== actual.soapVersion)
    add(
      'binding',
      'SOAP version',
      expected.soapVersion,
      actual.soapVersion,
      'the mock speaks SOAP 1.1 only: this needs a code change in server/soap',
    );
  if (expected.bindingStyle !== actual.bindingStyle)
    add(
      'binding',
      'binding style',
      expected.bindingStyle || ABSENT,
      actual.bindingStyle || ABSENT,
      'the mock is document/literal wrapped only: this needs a code change in server/soap',
    );
  for (const [label, e, a] of [
    ['service name', expected.serviceName, actual.serviceName],
    ['port name', expected.portName, actual.portName],
    ['portType name', expected.portTypeName, actual.portTypeName],
  ] as const) {
    if (e !== a)
      add(
        'service',
        label,
        e || ABSENT,
        a || ABSENT,
        `rename the ${label.split(' ')[0]} in ${WSDL_FILE} (WSDL-driven clients generate names from it)`,
      );
  }

  // operations
  for (const [name, op] of expected.operations) {
    const other = actual.operations.get(name);
    if (!other) {
      add(
        'operation',
        `operation ${name}`,
        'present',
        ABSENT,
        `the endpoint does not offer ${name}: remove it from ${WSDL_FILE} (and OPERATIONS in wsdl/contract.ts) or check the endpoint URL`,
      );
      continue;
    }
    if (op.soapAction !== other.soapAction)
      add(
        'operation',
        `operation ${name} soapAction`,
        JSON.stringify(op.soapAction),
        JSON.stringify(other.soapAction),
        `set soapAction on ${name} in ${WSDL_FILE}`,
      );
    if (op.inputElement !== other.inputElement)
      add(
        'element',
        `operation ${name} input`,
        op.inputElement,
        other.inputElement || ABSENT,
        `rename the request wrapper element in ${WSDL_FILE}`,
      );
    if (op.outputElement !== other.outputElement)
      add(
        'element',
        `operation ${name} output`,
        op.outputElement,
        other.outputElement || ABSENT,
        `rename the response wrapper element in ${WSDL_FILE}`,
      );
  }
  for (const name of actual.operations.keys()) {
    if (!expected.operations.has(name))
      add(
        'operation',
        `operation ${name}`,
        ABSENT,
        'present',
        `the endpoint offers ${name}, which ccm-mock does not implement: add it to ${WSDL_FILE} if clients need it`,
      );
  }

  // structure, walked from the wrappers
  const paired = new Map<string, string>(); // expected type -> actual type
  const renames = new Set<string>();
  /** a type the endpoint names differently: reported once, where it is first met */
  const renamed = (e: string, a: string, path: string) => {
    if (e === a || renames.has(`${e} ${a}`)) return;
    renames.add(`${e} ${a}`);
    add(
      'type',
      `${path} (type name)`,
      e,
      a,
      `rename complexType ${e} to ${a} in ${WSDL_FILE} (only WSDL-driven clients see type names)`,
    );
  };
  const compareTypes = (eType: string, aType: string, path: string) => {
    if (paired.has(eType)) return;
    paired.set(eType, aType);
    const e = expected.types.get(eType);
    const a = actual.types.get(aType);
    if (!e || !a) {
      if (!a)
        add(
          'type',
          path,
          eType,
          `${aType} (not defined at the endpoint)`,
          'the endpoint WSDL references a type it does not define: compare by hand',
        );
      return;
    }
    if (e.abstract !== a.abstract)
      add(
        'type',
        `${path} (type ${aType})`,
        e.abstract ? 'abstract' : 'concrete',
        a.abstract ? 'abstract' : 'concrete',
        `set abstract on ${eType} in ${WSDL_FILE}`,
      );
    if ((e.base ?? '') !== (a.base ?? ''))
      add(
        'type',
        `${path} (type ${aType}) base`,
        e.base ?? ABSENT,
        a.base ?? ABSENT,
        `change the xs:extension base of ${eType} in ${WSDL_FILE}`,
      );
    // inherited children are compared below, flattened; the base types count as paired
    if (e.base && a.base && !paired.has(e.base)) paired.set(e.base, a.base);
    const eKids = safeChildren(expected, eType);
    const aKids = safeChildren(actual, aType);
    if (typeof eKids === 'string' || typeof aKids === 'string') {
      add(
        'type',
        path,
        typeof eKids === 'string' ? eKids : 'readable',
        typeof aKids === 'string' ? aKids : 'readable',
        'compare by hand',
      );
      return;
    }
    compareChildren(eKids, aKids, path, eType);
  };

  const compareChildren = (eKids: ElementDecl[], aKids: ElementDecl[], path: string, owner: string) => {
    const aByName = new Map(aKids.map((d) => [d.name, d]));
    const eByName = new Map(eKids.map((d) => [d.name, d]));
    for (const d of eKids) {
      const p = `${path} > ${d.name}`;
      const o = aByName.get(d.name);
      if (!o) {
        add(
          'element',
          p,
          `${typeName(d.type)} ${occurs(d)}`,
          ABSENT,
          `remove <${d.name}> from ${owner} in ${WSDL_FILE}, or find what the endpoint calls it`,
        );
        continue;
      }
      if (d.type.kind !== o.type.kind || (d.type.kind === 'builtin' && d.type.name !== o.type.name)) {
        add(
          'type',
          p,
          typeName(d.type),
          typeName(o.type),
          `change the type of <${d.name}> in ${owner} in ${WSDL_FILE}`,
        );
      } else if (d.type.kind === 'complex') {
        renamed(d.type.name, o.type.name, p);
        compareTypes(d.type.name, o.type.name, p);
      }
      if (d.minOccurs !== o.minOccurs || d.maxOccurs !== o.maxOccurs)
        add(
          'occurrence',
          p,
          occurs(d),
          occurs(o),
          `set minOccurs/maxOccurs of <${d.name}> in ${owner} in ${WSDL_FILE}`,
        );
      if (d.nillable !== o.nillable)
        add(
          'occurrence',
          `${p} nillable`,
          String(d.nillable),
          String(o.nillable),
          `set nillable on <${d.name}> in ${owner} in ${WSDL_FILE}`,
        );
    }
    for (const o of aKids) {
      if (!eByName.has(o.name))
        add(
          'element',
          `${path} > ${o.name}`,
          ABSENT,
          `${typeName(o.type)} ${occurs(o)}`,
          `add <${o.name}> to ${owner} in ${WSDL_FILE}`,
        );
    }
    const eOrder = eKids.map((d) => d.name).filter((n) => aByName.has(n));
    const aOrder = aKids.map((d) => d.name).filter((n) => eByName.has(n));
    if (eOrder.join() !== aOrder.join())
      add(
        'order',
        `${path} child order`,
        eOrder.join(', '),
        aOrder.join(', '),
        `reorder the xs:sequence of ${owner} in ${WSDL_FILE} (strict mode and WSDL-driven clients follow it)`,
      );
  };

  const compareElement = (eName: string, aName: string, path: string) => {
    const e = expected.elements.get(eName);
    const a = actual.elements.get(aName);
    if (!e || !a) {
      if (e && !a) add('element', path, `element ${eName}`, ABSENT, `the endpoint declares no global element ${aName}`);
      return;
    }
    if (e.kind !== a.kind) {
      add('type', path, typeName(e), typeName(a), `change the type of element ${eName} in ${WSDL_FILE}`);
      return;
    }
    if (e.kind === 'complex') {
      renamed(e.name, a.name, path);
      compareTypes(e.name, a.name, path);
    }
  };

  for (const [name, op] of expected.operations) {
    const other = actual.operations.get(name);
    if (!other) continue;
    compareElement(op.inputElement, other.inputElement || op.inputElement, name);
    compareElement(op.outputElement, other.outputElement || op.outputElement, `${name} (response)`);
  }

  // global elements and types the walk did not reach
  for (const name of expected.elements.keys()) {
    if (
      !actual.elements.has(name) &&
      ![...expected.operations.values()].some((o) => o.inputElement === name || o.outputElement === name)
    ) {
      add('element', `element ${name}`, 'present', ABSENT, `remove element ${name} from ${WSDL_FILE}`);
    }
  }
  for (const name of actual.elements.keys()) {
    if (!expected.elements.has(name))
      add('element', `element ${name}`, ABSENT, 'present', `add element ${name} to ${WSDL_FILE}`);
  }
  const pairedActual = new Set(paired.values());
  for (const name of expected.types.keys()) {
    if (!paired.has(name)) {
      if (actual.types.has(name)) compareTypes(name, name, `type ${name}`);
      else
        add(
          'type',
          `type ${name}`,
          'present',
          ABSENT,
          `the endpoint has no type ${name}: remove it from ${WSDL_FILE} if nothing uses it`,
        );
    }
  }
  for (const name of actual.types.keys()) {
    if (!pairedActual.has(name) && !expected.types.has(name))
      add('type', `type ${name}`, ABSENT, 'present', `the endpoint defines type ${name}, which ccm-mock lacks`);
  }
  return items;
}

/** The report as text, one difference per line. */
export function formatDrift(items: readonly DriftItem[], endpointLabel = 'endpoint'): string[] {
  return items.map((d) => `${d.path}: ccm-mock has ${d.expected}, ${endpointLabel} has ${d.actual}\n    fix: ${d.fix}`);
}
