import type { XmlElement } from 'libxml2-wasm';
import { SOAP11_ENVELOPE_NS } from '../contract.js';
import { elementChildren } from '../xml.js';

/**
 * Where things are in a SOAP 1.1 message: the Envelope's Header and Body, the Body's payload (the operation
 * element, or a Fault) and a Fault's code and string. Reading only: what a missing part means (a fault to
 * answer, an unreadable answer, a schema problem) is the caller's business.
 */

export interface EnvelopeParts {
  envelope: XmlElement;
  /** the first soap:Header child of the Envelope */
  header?: XmlElement;
  /** the first soap:Body child of the Envelope */
  body?: XmlElement;
  /** the Body's element children in order: one in a well-formed message (the operation element, or a Fault) */
  payload: XmlElement[];
}

/** The parts of a SOAP 1.1 envelope; undefined when `root` is not a SOAP 1.1 Envelope (a 1.2 one, or no SOAP). */
export function envelopeParts(root: XmlElement): EnvelopeParts | undefined {
  if (root.name !== 'Envelope' || root.namespaceUri !== SOAP11_ENVELOPE_NS) return undefined;
  let header: XmlElement | undefined;
  let body: XmlElement | undefined;
  for (const c of elementChildren(root)) {
    if (c.namespaceUri !== SOAP11_ENVELOPE_NS) continue;
    if (c.name === 'Header') header ??= c;
    else if (c.name === 'Body') body ??= c;
  }
  return { envelope: root, header, body, payload: body ? elementChildren(body) : [] };
}

/** A SOAP 1.1 Fault element. */
export function isFault(el: XmlElement): boolean {
  return el.name === 'Fault' && el.namespaceUri === SOAP11_ENVELOPE_NS;
}

export interface FaultParts {
  /** faultcode's local part: `S:Client` -> `Client` */
  code: string;
  faultstring: string;
}

/** A Fault's faultcode and faultstring, trimmed; empty when absent. */
export function readFault(fault: XmlElement): FaultParts {
  const part = (name: string) =>
    elementChildren(fault)
      .find((c) => c.name === name)
      ?.content.trim() ?? '';
  const code = part('faultcode');
  return { code: code.slice(code.indexOf(':') + 1), faultstring: part('faultstring') };
}
