import { readFileSync } from 'node:fs';
import { readWsdl } from '../../wsdl/schema-model.js';
import type { HttpReply } from './exchange.js';

/**
 * Where ccm-mock answers differently from Metro on purpose, by corpus case name (`[group] name`). The reason
 * lives in one place, the "Deliberate deviations" table of docs/wire-fidelity.md: each entry names its row
 * there, and that row's "differential cases" cell names the case (the suite checks both ways). Each must still
 * differ (or the entry is stale), and `holds`, when given, says what must stay true of the two answers all the
 * same.
 */
export interface Deviation {
  /** the first cell of its row in the docs' table */
  row: string;
  holds?: (mock: HttpReply, metro: HttpReply) => void;
}

/** Both WSDLs describe the same contract: the same operations, elements and types. */
function sameContract(mock: HttpReply, metro: HttpReply): void {
  const model = (r: HttpReply) => {
    const m = readWsdl(r.body.toString('utf8'));
    return JSON.stringify({
      ns: m.targetNamespace,
      service: [m.serviceName, m.portName, m.portTypeName, m.soapVersion, m.bindingStyle],
      elements: [...m.elements],
      types: [...m.types],
      operations: [...m.operations],
    });
  };
  if (model(mock) !== model(metro)) throw new Error('the served WSDLs describe different contracts');
}

const DTD: Deviation = { row: 'a DTD (`<!DOCTYPE ...>`)' };
const WSDL: Deviation = { row: '`GET ?wsdl`', holds: sameContract };

export const DEVIATIONS: Record<string, Deviation> = {
  '[transport] GET ?wsdl': WSDL,
  '[transport] GET ?WSDL': WSDL,
  '[malformed] a DOCTYPE without entities': DTD,
  '[malformed] a DOCTYPE with an internal entity, unused': DTD,
  '[malformed] a DOCTYPE with an internal entity, used': DTD,
  '[malformed] an unknown child nested 300 deep': { row: 'nesting deeper than 256 elements' },
  '[transport] Content-Type multipart/related (MTOM)': { row: '`Content-Type: multipart/related` (SwA, MTOM)' },
  '[transport] a gzip-encoded body': { row: '`Content-Encoding: gzip`, `deflate` or `br`' },
  '[encodings] charset=IBM037': {
    row: "a charset ccm-mock cannot encode (neither the UTF-8, UTF-16, ISO-8859-1, US-ASCII or windows-1252 families nor one the platform's TextDecoder knows)",
  },
};

export interface DocumentedDeviation {
  /** the row's "why" cell */
  why: string;
  /** the corpus cases its "differential cases" cell names, `[group] name` */
  cases: string[];
}

/** The "Deliberate deviations" table of docs/wire-fidelity.md, by first cell. */
export function documentedDeviations(
  page = readFileSync(new URL('../../docs/wire-fidelity.md', import.meta.url), 'utf8'),
): Map<string, DocumentedDeviation> {
  const section = /^### Deliberate deviations\n([\s\S]*?)(?=^#)/m.exec(page)?.[1] ?? '';
  const rows = section.split('\n').filter((line) => line.startsWith('| '));
  const header = rows[0]?.split(' | ').map((h) => h.replace(/^\| |\s*\|$/g, '').trim()) ?? [];
  const [whyAt, casesAt] = [header.indexOf('why'), header.indexOf('differential cases')];
  if (whyAt < 0 || casesAt < 0) throw new Error(`docs/wire-fidelity.md: no deviations table (${header.join(', ')})`);
  const out = new Map<string, DocumentedDeviation>();
  for (const line of rows.slice(2)) {
    const cells = line.replace(/^\| | \|$/g, '').split(' | ');
    const cases = [...cells[casesAt].matchAll(/`(\[[^\]]+\] [^`]+)`/g)].map((m) => m[1]);
    out.set(cells[0], { why: cells[whyAt], cases });
  }
  return out;
}
