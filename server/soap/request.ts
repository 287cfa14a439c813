import { decodeRequest, type DecodeOptions } from '../../wsdl/codec/index.js';
import { contract, isOperationName, type OperationName } from '../../wsdl/contract.js';
import { SchemaValidator } from '../../wsdl/validator.js';
import type { Charset } from './charset.js';
import { parseSoapRequest, type Dispatcher } from './envelope.js';
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

  /** Metro dispatches on the payload's name: an operation of the profile's namespace, with or without parameters. */
  private readonly dispatch: Dispatcher = (ns, local) => {
    if (ns !== this.profile.namespace || !isOperationName(local)) return undefined;
    const typeRef = contract.elements.get(contract.operations.get(local)!.inputElement)!;
    return contract.childrenOf(typeRef.name).length ? 'params' : 'none';
  };

  /**
   * The request's operation and arguments, read and checked; the XML document is gone when this returns.
   * `charset`: the Content-Type's (charset.ts); undefined reads the bytes as Metro does without one.
   */
  read(body: Buffer, charset?: Charset): { name: OperationName; args: Record<string, unknown> } {
    const { doc, payload } = parseSoapRequest(body, charset, this.dispatch);
    try {
      // parseSoapRequest dispatched it (Metro's order: before the payload is read)
      const name = payload.name as OperationName;
      if (this.profile.strict) {
        const problems = SchemaValidator.forNamespace(this.profile.namespace).problems(payload);
        if (problems.length) throw new SoapFault('Client', `Unmarshalling Error: ${problems.join('; ')}`);
      }
      // JAXB's reading: a value it cannot convert is left unset, never a fault
      return { name, args: decodeRequest(payload, name, this.decodeOptions) };
    } finally {
      doc.dispose();
    }
  }
}
