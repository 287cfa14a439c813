/**
 * The REST S/MIME API's contract, shared by ccm-mock's REST front end (server/rest/) and the REST client: the
 * endpoints, the bodies (zod), the collect formats, the status-code catalog and the decisions where the sources
 * leave the wire open. Nothing here talks to a server.
 */
export * from './endpoints.js';
export * from './schemas.js';
export * from './collect-formats.js';
export * from './status-codes.js';
export * from './decisions.js';
