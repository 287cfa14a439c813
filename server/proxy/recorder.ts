import { mkdirSync, readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { recordingStem, type RecordingMeta } from '../../wsdl/recording.js';

/**
 * `--record DIR`: every exchange as three files a person can read and diff, numbered in arrival order (the
 * format: wsdl/recording.ts). The message files hold the bytes as they were except for redacted element text
 * (server/proxy/redaction.ts). Writing happens off the request path; at most MAX_PENDING exchanges wait to be written (more are counted
 * and dropped, never queued without bound), and a write that fails is logged, never fatal.
 */

export interface RecordedExchange {
  /** what the file names say after the number: the operation, or wsdl / xsd / page / unknown */
  label: string;
  /** redacted latin1 text of the request and the response (see redaction.ts); undefined when there was no body */
  request?: string;
  response?: string;
  /** extension of each message file */
  requestExt: string;
  responseExt: string;
  /** the metadata, already redacted; the recorder adds the number and the file names */
  meta: Omit<RecordingMeta, 'exchange' | 'requestFile' | 'responseFile'>;
}

const MAX_PENDING = 256;
const NUMBERED = /^(\d{6,})-/;

export class Recorder {
  private next: number;
  private pending = 0;
  private chain: Promise<void> = Promise.resolve();
  /** exchanges not written because too many were waiting */
  dropped = 0;
  /** exchanges written */
  written = 0;

  constructor(
    readonly dir: string,
    private readonly onError: (err: unknown, file: string) => void,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // a directory recorded into before continues its numbering
    let last = 0;
    for (const name of readdirSync(dir)) {
      const m = NUMBERED.exec(name);
      if (m) last = Math.max(last, Number(m[1]));
    }
    this.next = last + 1;
  }

  /** Queue an exchange for writing; returns its number, or undefined when it was dropped. */
  record(exchange: RecordedExchange): number | undefined {
    if (this.pending >= MAX_PENDING) {
      this.dropped++;
      return undefined;
    }
    const n = this.next++;
    const base = join(this.dir, recordingStem(n, exchange.label));
    const files: Array<[string, string | Buffer]> = [];
    const meta: RecordingMeta = { exchange: n, ...exchange.meta };
    if (exchange.request !== undefined) {
      const file = `${base}.request.${exchange.requestExt}`;
      files.push([file, Buffer.from(exchange.request, 'latin1')]);
      meta.requestFile = file.slice(this.dir.length + 1);
    }
    if (exchange.response !== undefined) {
      const file = `${base}.response.${exchange.responseExt}`;
      files.push([file, Buffer.from(exchange.response, 'latin1')]);
      meta.responseFile = file.slice(this.dir.length + 1);
    }
    files.push([`${base}.json`, JSON.stringify(meta, null, 2) + '\n']);
    this.pending++;
    this.chain = this.chain.then(async () => {
      for (const [file, data] of files) {
        try {
          await writeFile(file, data, { mode: 0o600 });
        } catch (err) {
          this.onError(err, file);
        }
      }
      this.pending--;
      this.written++;
    });
    return n;
  }

  /** Resolves when everything queued so far is on disk. */
  flush(): Promise<void> {
    return this.chain;
  }
}
