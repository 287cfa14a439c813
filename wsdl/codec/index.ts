/**
 * The SOAP codec: EPKIManager messages written and read by the schema model (wsdl/schema-model.ts, read from
 * wsdl/EPKIManager.wsdl or any WSDL of the same shape). The server, the typed client, the schema validator
 * and whatever else speaks SOAP (a proxy) use this one module; none keeps its own reading of the wire.
 *
 * Writing (encode.ts): `new SoapEncoder({ namespace, model?, style?, checkOccurrences? })`, made once and kept:
 * - `.request(operation, args)`: a request envelope, the client's spelling unless `style` says otherwise.
 * - `.response(operation, result)`: a response envelope, Metro's spelling unless `style` says otherwise
 *   (`METRO_STYLE`, `CLIENT_STYLE` or any `EnvelopeStyle`).
 * With `checkOccurrences`, a message the schema forbids (a required element missing, a list for a single one)
 * is a CodecError instead of a message. `encodeRequest` / `encodeResponse` do one message with a new encoder.
 * `encodeFault(code, faultstring)`: a SOAP 1.1 Fault envelope as Metro writes one.
 *
 * Finding things in a parsed envelope (envelope.ts):
 * - `envelopeParts(root)`: Header, Body and the Body's payload; undefined when not a SOAP 1.1 Envelope.
 * - `isFault(el)`, `readFault(el)`: a Fault and its code (local part) and string.
 * - `wrapperOperation(payload, 'request' | 'response', opts)`: which operation the payload is the wrapper of.
 *
 * Reading (decode.ts), in `strict` mode (as Metro's JAXB reads a request: namespaces checked, values read as
 * JAXB reads them and never refused) or `lenient` mode (as a client reads a live service: local names only,
 * values checked):
 * - `decodeRequest(payload, operation, opts)`: the arguments, by the schema's names.
 * - `decodeResponse(payload, operation, opts)`: the `return` value (a list for list results; undefined when
 *   absent).
 * - `readSimpleValue(type, text, element)`: one simple-typed value, checked.
 * Unknown elements are ignored, absent lists empty; in lenient mode a value that does not parse as its type
 * (int range included) throws CodecError, which the client turns into a malformed-answer error.
 *
 * Walking unparsed text by position (scan.ts), for what must keep every byte it does not change (the proxy's
 * redaction of recordings, the replay putting credentials back) and must survive malformed input:
 * - `scanXml(text)`: tags, text, CDATA, comments, by offset; never fails.
 * - `contentEdits(text, select)` / `applyEdits(text, edits)`: replace the content of chosen elements.
 * - `payloadElement(text)`: where the Body's first element is, in a message that may not even parse.
 */

export { decodeRequest, decodeResponse, readSimpleValue, wrapperOperation } from './decode.js';
export type { DecodeMode, DecodeOptions } from './decode.js';
export { CLIENT_STYLE, encodeFault, encodeRequest, encodeResponse, METRO_STYLE, SoapEncoder } from './encode.js';
export type { EncodeOptions, EnvelopeStyle } from './encode.js';
export { envelopeParts, isFault, readFault } from './envelope.js';
export type { EnvelopeParts, FaultParts } from './envelope.js';
export { CodecError } from './schema.js';
export type { Direction } from './schema.js';
export { applyEdits, contentEdits, payloadElement, scanXml } from './scan.js';
export type { TextEdit, XmlToken } from './scan.js';
