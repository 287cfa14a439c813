import 'reflect-metadata';

/**
 * ccm-mock/client: typed clients for Sectigo (Comodo) Certificate Manager's S/MIME enrollment - the SOAP service
 * EPKIManager (CcmClient) and the REST API (CcmRestClient) - usable against the live service and against ccm-mock
 * alike, plus the conformance kit.
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
export { CcmRestClient, isPending, normalizeRestBaseUrl, REST_PENDING_CODES } from './rest-client.js';
export type {
  CcmRestClientOptions,
  RestCollected,
  RestEnrollAndCollectOptions,
  RestEnrolled,
  RestEnrollRequest,
  RestListPage,
  RestListQuery,
  RestPollEvent,
  RestRevokeOptions,
  RestWaitOptions,
} from './rest-client.js';
export type { RestAuth, RestExchange, RestRequest, RestResponse } from './rest-transport.js';
export {
  CcmAbortError,
  CcmError,
  CcmFaultError,
  CcmRestStatusError,
  CcmStatusError,
  CcmTransportError,
  CcmWaitTimeoutError,
  isRestStatus,
  isStatus,
} from './errors.js';
export type { ClientOperation, TransportFailure, WaitSubject } from './errors.js';
export { CertificateFormatError, orderChain, parseCollectedCertificate } from './certificate.js';
export type { CollectedCertificate, CollectedFormat } from './certificate.js';
export { generateKeyAndCsr, RSA_KEY_SIZES } from './csr.js';
export type { KeyAndCsr, KeyAndCsrOptions, RsaKeySize } from './csr.js';
export { requestEnvelope, SoapTransport } from './soap.js';
export type { CallOptions, SoapExchange, SoapTransportOptions } from './soap.js';
export type { BackoffOptions, PollLoopOptions, PollProgress } from './wait.js';
export { DEFAULT_NAMESPACE, OPERATIONS, SERVICE_PATH } from '../wsdl/contract.js';
export type { OperationName } from '../wsdl/contract.js';
export { Status, STATUS_CODES, statusEntry, statusText } from '../wsdl/status-codes.js';
export type { StatusCodeEntry } from '../wsdl/status-codes.js';
export type { AuthData, ExtKeyUsage, KeyUsage, KUTemplate } from '../wsdl/types.js';
export {
  COLLECT_FORMATS,
  DEFAULT_COLLECT_FORMAT,
  REST_ENDPOINTS,
  REST_OPERATIONS,
  REST_STATUS_CODES,
  restStatus,
} from '../wsdl/rest/index.js';
export type {
  CertificateInfo,
  CertificateListItem,
  CertificateProfile,
  CertificateState,
  CollectFormat,
  CustomField,
  ManualRevokeRequest,
  PersonCreateRequest,
  RestCodeSource,
  RestEndpoint,
  RestOperationName,
  RestOrganization,
  RestStatusEntry,
  RestStatusName,
} from '../wsdl/rest/index.js';
export * from './conformance/index.js';
