import { XmlDocument } from 'libxml2-wasm';
import { readWsdl, WSDL_NS, XSD_NS, type SchemaModel } from '../../wsdl/schema-model.js';
import { elementChildren, SAFE_PARSE } from '../../wsdl/xml.js';

/**
 * Fetch an endpoint's ?wsdl and read it into the same model the mock is built on. A JAX-WS RI endpoint
 * usually publishes its schema separately (`<xsd:import schemaLocation="...?xsd=1"/>`): such imports are
 * fetched and inlined before reading.
 */

export class WsdlFetchError extends Error {}

export interface FetchedWsdl {
  url: string;
  text: string;
  /** schema documents fetched because the WSDL imports them */
  imported: string[];
  model: SchemaModel;
}

async function getText(url: string, fetchImpl: typeof fetch, signal?: AbortSignal): Promise<string> {
  let res: Response;
  try {
    res = await fetchImpl(url, { signal, headers: { Accept: 'text/xml, application/xml, */*' } });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new WsdlFetchError(`cannot fetch ${url}: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
  }
  const text = await res.text();
  if (!res.ok) throw new WsdlFetchError(`GET ${url} answered HTTP ${res.status}`);
  return text;
}

interface SchemaImport {
  location: string;
  namespace?: string;
}

function schemaImports(text: string): { imports: SchemaImport[]; wsdlImports: string[]; inlineHasContent: boolean } {
  let doc: XmlDocument;
  try {
    doc = XmlDocument.fromString(text, { option: SAFE_PARSE });
  } catch (err) {
    throw new WsdlFetchError(`the WSDL is not well-formed XML: ${(err as Error).message.trim().split('\n')[0]}`);
  }
  try {
    const defs = doc.root;
    const imports: SchemaImport[] = [];
    let inlineHasContent = false;
    const wsdlImports = elementChildren(defs)
      .filter((c) => c.namespaceUri === WSDL_NS && c.name === 'import')
      .map((c) => c.attr('location')?.value ?? '');
    const types = elementChildren(defs).find((c) => c.namespaceUri === WSDL_NS && c.name === 'types');
    for (const schema of types
      ? elementChildren(types).filter((c) => c.namespaceUri === XSD_NS && c.name === 'schema')
      : []) {
      for (const child of elementChildren(schema)) {
        if (child.namespaceUri !== XSD_NS) continue;
        if ((child.name === 'import' || child.name === 'include') && child.attr('schemaLocation')) {
          imports.push({ location: child.attr('schemaLocation')!.value, namespace: child.attr('namespace')?.value });
        } else if (child.name === 'element' || child.name === 'complexType') inlineHasContent = true;
      }
    }
    return { imports, wsdlImports, inlineHasContent };
  } finally {
    doc.dispose();
  }
}

const stripXmlDecl = (text: string) => text.replace(/^\uFEFF?\s*<\?xml[^>]*\?>\s*/, '');

export async function fetchWsdl(
  wsdlUrl: string,
  options: { fetch?: typeof fetch; signal?: AbortSignal } = {},
): Promise<FetchedWsdl> {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  let text = await getText(wsdlUrl, fetchImpl, options.signal);
  const { imports, wsdlImports, inlineHasContent } = schemaImports(text);
  if (wsdlImports.length) {
    throw new WsdlFetchError(
      `the WSDL imports other WSDL documents (${wsdlImports.join(', ')}); comparing split WSDLs is not supported: compare them with ${'wsdl/EPKIManager.wsdl'} by hand`,
    );
  }
  const imported: string[] = [];
  if (imports.length && !inlineHasContent) {
    const schemas: string[] = [];
    for (const imp of imports) {
      const url = new URL(imp.location, wsdlUrl).toString();
      imported.push(url);
      schemas.push(stripXmlDecl(await getText(url, fetchImpl, options.signal)));
    }
    // the model reads the first inline schema: put the one for the target namespace first
    const typesRe = /<((?:[A-Za-z_][\w.-]*:)?types)(\s[^>]*)?>[\s\S]*?<\/\1\s*>/;
    if (!typesRe.test(text))
      throw new WsdlFetchError('the WSDL imports a schema but its <types> element could not be located');
    text = text.replace(typesRe, (_m, tag: string, attrs = '') => `<${tag}${attrs}>${schemas.join('')}</${tag}>`);
  }
  try {
    return { url: wsdlUrl, text, imported, model: readWsdl(text) };
  } catch (err) {
    throw new WsdlFetchError(`the WSDL at ${wsdlUrl} could not be read: ${(err as Error).message}`);
  }
}
