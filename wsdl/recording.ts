/**
 * The recording format `ccm-mock proxy --record DIR` writes and `ccm conformance --recording DIR` replays: one
 * file set per exchange, numbered in arrival order,
 *
 *     000042-collect.request.xml    the request as the caller sent it (inflated), redacted
 *     000042-collect.response.xml   the answer the caller got, likewise
 *     000042-collect.json           RecordingMeta: method, URL, status, headers (secrets replaced), timing
 *
 * Redaction replaces an element's text with REDACTED and nothing else, so a replay can put credentials back
 * where they were.
 */

/** What replaces redacted element text (and secret header values). */
export const REDACTED = '[redacted]';

/** A recording's metadata file: its number and label. */
export const META_FILE = /^(\d{6,})-([A-Za-z0-9_.-]+)\.json$/;

/** The file name stem of exchange `n`, e.g. 000042-collect. */
export function recordingStem(n: number, label: string): string {
  return `${String(n).padStart(6, '0')}-${label.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
}

export interface RecordingMeta {
  exchange: number;
  at: string;
  /** the SOAP operation, for a POST */
  operation?: string;
  request: { method: string; url: string; headers: Record<string, string | string[]>; bytes: number };
  response: {
    status: number;
    headers: Record<string, string | string[]>;
    bytes: number;
    /** 'proxy' when the upstream failed and the proxy answered with its own fault */
    from: 'upstream' | 'proxy';
  };
  error?: { kind: string; message: string };
  timing: Record<string, number | undefined>;
  /** the message files, relative to the directory */
  requestFile?: string;
  responseFile?: string;
}
