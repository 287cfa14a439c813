import { XmlDocument, XsdValidator, XmlValidateError, type XmlElement } from 'libxml2-wasm';
import { envelopeParts, isFault } from './codec/index.js';
import { renderWsdl } from './contract.js';
import { XSD_NS } from './schema-model.js';
import { elementChildren, SAFE_PARSE } from './xml.js';

/**
 * Full XML Schema validation of EPKIManager payloads (libxml2): the server's strict mode, and the tests'
 * check that every response the server produces is schema-valid. One validator per namespace, built
 * from the WSDL as served for that namespace.
 */

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
      const parts = envelopeParts(doc.root);
      if (!parts) return [`root is {${doc.root.namespaceUri}}${doc.root.name}, not a SOAP 1.1 Envelope`];
      if (!parts.body) return ['no SOAP Body'];
      const { payload } = parts;
      if (payload.length !== 1) return [`the Body holds ${payload.length} elements, expected 1`];
      const [p] = payload;
      if (isFault(p)) {
        const parts = elementChildren(p).map((c) => c.name);
        return parts[0] === 'faultcode' && parts[1] === 'faultstring' ? [] : [`malformed Fault: ${parts.join(', ')}`];
      }
      return this.problems(p);
    } finally {
      doc.dispose();
    }
  }
}
