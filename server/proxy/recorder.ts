import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { recordingStem, type RecordingMeta } from '../../wsdl/recording.js';

/**
 * `--record DIR`: every exchange as three files a person can read and diff, numbered in arrival order (the
 * format: wsdl/recording.ts). The message files hold the bytes as they were except for redacted element text
 * (server/proxy/redaction.ts). Writing happens off the request path, in batches: what arrived while the event
 * loop was busy is written in one go on the next turn (plain synchronous writes of small files cost less than a
 * thread-pool round trip per open, write and close). At most MAX_PENDING exchanges wait (more are counted and
 * dropped, never queued without bound), and a write that fails is logged, never fatal.
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
  private readonly pending: Array<Array<[string, string | Buffer]>> = [];
  private scheduled: NodeJS.Immediate | undefined;
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
    if (this.pending.length >= MAX_PENDING) {
      this.dropped++;
      return undefined;
    }
    const n = this.next++;
    const stem = recordingStem(n, exchange.label);
    const files: Array<[string, string | Buffer]> = [];
    const meta: RecordingMeta = { exchange: n, ...exchange.meta };
    if (exchange.request !== undefined) {
      meta.requestFile = `${stem}.request.${exchange.requestExt}`;
      files.push([meta.requestFile, Buffer.from(exchange.request, 'latin1')]);
    }
    if (exchange.response !== undefined) {
      meta.responseFile = `${stem}.response.${exchange.responseExt}`;
      files.push([meta.responseFile, Buffer.from(exchange.response, 'latin1')]);
    }
    files.push([`${stem}.json`, JSON.stringify(meta, null, 2) + '\n']);
    this.pending.push(files);
    this.scheduled ??= setImmediate(() => this.flush());
    return n;
  }

  /** Write everything queued so far, now. */
  flush(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    for (const files of this.pending.splice(0)) {
      for (const [name, data] of files) {
        const file = join(this.dir, name);
        try {
          writeFileSync(file, data, { mode: 0o600 });
        } catch (err) {
          this.onError(err, file);
        }
      }
      this.written++;
    }
  }
}
