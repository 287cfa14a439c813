import 'reflect-metadata';

/**
 * ccm-mock/client: a typed client for Sectigo (Comodo) Certificate Manager's S/MIME SOAP service
 * EPKIManager, usable against the live service and against ccm-mock alike, plus the conformance kit.
 */

export { CcmClient, normalizeEndpoint } from './client.js';
export type {
  CcmClientOptions,
  CollectOutcome,
  EnrollAndCollectOptions,
  EnrollRequest,
  EnrolledCertificate,
  PollEvent,
  RevokeAllByPersonRequest,
  WaitOptions,
} from './client.js';
export {
  CcmAbortError,
  CcmError,
  CcmFaultError,
  CcmStatusError,
  CcmTransportError,
  CcmWaitTimeoutError,
  isStatus,
} from './errors.js';
export type { TransportFailure } from './errors.js';
export { CertificateFormatError, orderChain, parseCollectedCertificate } from './certificate.js';
export type { CollectedCertificate, CollectedFormat } from './certificate.js';
export { generateKeyAndCsr, RSA_KEY_SIZES } from './csr.js';
export type { KeyAndCsr, KeyAndCsrOptions, RsaKeySize } from './csr.js';
export { requestEnvelope, SoapTransport } from './soap.js';
export type { CallOptions, SoapExchange, SoapTransportOptions } from './soap.js';
export type { BackoffOptions } from './wait.js';
export { DEFAULT_NAMESPACE, OPERATIONS, SERVICE_PATH } from '../wsdl/contract.js';
export type { OperationName } from '../wsdl/contract.js';
export { Status, STATUS_CODES, statusEntry, statusText } from '../wsdl/status-codes.js';
export type { StatusCodeEntry } from '../wsdl/status-codes.js';
export type { AuthData, ExtKeyUsage, KeyUsage, KUTemplate } from '../wsdl/types.js';
export * from './conformance/index.js';
