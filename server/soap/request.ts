import { CodecError, decodeRequest, wrapperOperation, type DecodeOptions } from '../../wsdl/codec/index.js';
import { isOperationName, type OperationName } from '../../wsdl/contract.js';
import { SchemaValidator } from '../../wsdl/validator.js';
import { parseSoapRequest } from './envelope.js';
import { SoapFault } from './fault.js';

/**
 * Reading a request as the mock's Metro-shaped endpoint does, before any business rule: the envelope checks,
 * dispatch by the wrapper's name and namespace, the full schema in strict mode, JAXB's decoding. What Metro
 * refuses is a SoapFault with its text. The endpoint reads every request with it, and the proxy asks it what
 * the mock would answer to a request the live service answered.
 */

/** How the mock's wire differs where the live service is unconfirmed (docs/wire-fidelity.md: the wire profile). */
export interface WireProfile {
  /** targetNamespace of the wrapper elements and the served WSDL */
  namespace: string;
  /** validate requests against the full schema (child order included) instead of JAXB's leniency */
  strict: boolean;
  /** accept <URI> in authData as customerLoginUri (the guide's setURI) */
  acceptUriAlias: boolean;
}

export class RequestReader {
  /** JAXB's reading of a request: lenient about order and unknown elements, strict about namespaces and values */
  private readonly decodeOptions: DecodeOptions;

  constructor(private readonly profile: WireProfile) {
    this.decodeOptions = {
      mode: 'strict',
      namespace: profile.namespace,
      ...(profile.acceptUriAlias ? { aliases: { AuthData: { URI: 'customerLoginUri' } } } : {}),
    };
  }

  /** The request's operation and arguments, read and checked; the XML document is gone when this returns. */
  read(body: Buffer): { name: OperationName; args: Record<string, unknown> } {
    const { doc, payload } = parseSoapRequest(body);
    try {
      const name = wrapperOperation(payload, 'request', this.decodeOptions)?.name;
      if (name === undefined || !isOperationName(name)) {
        throw new SoapFault('Client', `Cannot find dispatch method for {${payload.namespaceUri}}${payload.name}`);
      }
      if (this.profile.strict) {
        const problems = SchemaValidator.forNamespace(this.profile.namespace).problems(payload);
        if (problems.length) throw new SoapFault('Client', `Unmarshalling Error: ${problems.join('; ')}`);
      }
      try {
        return { name, args: decodeRequest(payload, name, this.decodeOptions) };
      } catch (err) {
        // what JAXB cannot convert: Metro's fault
        if (err instanceof CodecError) throw new SoapFault('Client', `Unmarshalling Error: ${err.message}`);
        throw err;
      }
    } finally {
      doc.dispose();
    }
  }
}
