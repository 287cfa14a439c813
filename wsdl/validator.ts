import { XmlDocument, XsdValidator, ParseOption, XmlValidateError, type XmlElement } from 'libxml2-wasm';
import { renderWsdl, SOAP11_ENVELOPE_NS } from './contract.js';
import { XSD_NS } from './schema-model.js';
import { elementChildren } from './xml.js';

/**
 * Full XML Schema validation of EPKIManager payloads (libxml2): the server's strict mode, and the tests'
 * check that every response the server produces is schema-valid. One validator per namespace, built
 * from the WSDL as served for that namespace.
 */

export const SAFE_PARSE = ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE;

export class SchemaValidator {
  private constructor(private readonly validator: XsdValidator) {}

  private static readonly cache = new Map<string, SchemaValidator>();

  static forNamespace(namespace: string): SchemaValidator {
    let v = SchemaValidator.cache.get(namespace);
    if (!v) {
      const wsdl = XmlDocument.fromString(renderWsdl(namespace, 'http://localhost/'), { option: SAFE_PARSE });
      try {
        const schema = wsdl.get('//xs:schema', { xs: XSD_NS }) as XmlElement | null;
        if (!schema) throw new Error('the WSDL has no xs:schema');
        const schemaDoc = XmlDocument.fromString(schema.toString(), { option: SAFE_PARSE });
        v = new SchemaValidator(XsdValidator.fromDoc(schemaDoc));
        SchemaValidator.cache.set(namespace, v);
      } finally {
        wsdl.dispose();
      }
    }
    return v;
  }

  /** Problems with an element (a request or response wrapper), empty when valid. */
  problems(el: XmlElement): string[] {
    try {
      this.validator.validate(el);
      return [];
    } catch (err) {
      if (err instanceof XmlValidateError) return err.details.map((d) => d.message.trim());
      throw err;
    }
  }

  /**
   * Validate a whole SOAP 1.1 response: well-formed, a 1.1 envelope, and either a schema-valid payload
   * or a SOAP Fault. Returns the problems, empty when it passes.
   */
  envelopeProblems(xml: string): string[] {
    let doc: XmlDocument;
    try {
      doc = XmlDocument.fromString(xml, { option: SAFE_PARSE });
    } catch (err) {
      return [`not well-formed: ${(err as Error).message.trim()}`];
    }
    try {
      const env = doc.root;
      if (env.namespaceUri !== SOAP11_ENVELOPE_NS || env.name !== 'Envelope')
        return [`root is {${env.namespaceUri}}${env.name}, not a SOAP 1.1 Envelope`];
      const body = elementChildren(env).find((c) => c.namespaceUri === SOAP11_ENVELOPE_NS && c.name === 'Body');
      if (!body) return ['no SOAP Body'];
      const payload = elementChildren(body);
      if (payload.length !== 1) return [`the Body holds ${payload.length} elements, expected 1`];
      const [p] = payload;
      if (p.namespaceUri === SOAP11_ENVELOPE_NS && p.name === 'Fault') {
        const parts = elementChildren(p).map((c) => c.name);
        return parts[0] === 'faultcode' && parts[1] === 'faultstring' ? [] : [`malformed Fault: ${parts.join(', ')}`];
      }
      return this.problems(p);
    } finally {
      doc.dispose();
    }
  }
}
