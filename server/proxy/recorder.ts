import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { recordingStem, type RecordingMeta } from '../../wsdl/recording.js';

/**
 * `--record DIR`: every exchange as three files a person can read and diff, numbered in arrival order (the
 * format: wsdl/recording.ts). The message files hold the bytes as they were except for redacted element text
 * (server/proxy/redaction.ts). A worker thread writes them, off the event loop (creating three small files costs
 * more than the rest of observing an exchange); what arrives while the loop is busy goes to it as one batch. At
 * most MAX_PENDING exchanges wait to be written (more are counted and dropped, never queued without bound), and a
 * write that fails is reported, never fatal. If the worker dies, the files are written on the main thread.
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

/** One exchange's files: name (in the directory) and content. */
type FileSet = Array<[string, Uint8Array | string]>;

// CommonJS, evaluated: no file to resolve, whether the proxy runs from dist/, tsx or a test runner
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
parentPort.on('message', ({ id, sets }) => {
  const errors = [];
  for (const files of sets)
    for (const [name, data] of files) {
      try {
        writeFileSync(join(workerData.dir, name), data, { mode: 0o600 });
      } catch (err) {
        errors.push({ file: name, message: String((err && err.code) || err) });
      }
    }
  parentPort.postMessage({ id, written: sets.length, errors });
});
`;

export class Recorder {
  private next: number;
  /** file sets recorded and not yet handed to the writer */
  private readonly queued: FileSet[] = [];
  /** exchanges handed over and not written yet */
  private inFlight = 0;
  private scheduled: NodeJS.Immediate | undefined;
  private worker: Worker | undefined;
  private batch = 0;
  /** batches handed to the worker, by id: what resolves when the worker has written them */
  private readonly waiting = new Map<number, { done: () => void; written: Promise<void> }>();
  /** exchanges not written because too many were waiting */
  dropped = 0;
  /** exchanges written */
  written = 0;

  constructor(
    readonly dir: string,
    private readonly onError: (message: string, file?: string) => void,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // a directory recorded into before continues its numbering
    let last = 0;
    for (const name of readdirSync(dir)) {
      const m = NUMBERED.exec(name);
      if (m) last = Math.max(last, Number(m[1]));
    }
    this.next = last + 1;
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { dir } });
    worker.unref(); // an idle recorder never keeps the process alive; a busy one does (handOver)
    worker.on(
      'message',
      ({ id, written, errors }: { id: number; written: number; errors: Array<{ file: string; message: string }> }) => {
        this.inFlight -= written;
        this.written += written;
        for (const e of errors) this.onError(`writing a recording failed: ${e.message}`, e.file);
        this.waiting.get(id)?.done();
        this.waiting.delete(id);
        if (!this.waiting.size) this.worker?.unref();
      },
    );
    worker.on('error', (err) => {
      // what it had not written yet is lost: counted as dropped, and nobody waits for it
      this.onError(`the recording worker failed (${err.message}); recording on the main thread from now on`);
      this.worker = undefined;
      this.dropped += this.inFlight;
      this.inFlight = 0;
      for (const batch of this.waiting.values()) batch.done();
      this.waiting.clear();
    });
    this.worker = worker;
  }

  /** Queue an exchange for writing; returns its number, or undefined when it was dropped. */
  record(exchange: RecordedExchange): number | undefined {
    if (this.queued.length + this.inFlight >= MAX_PENDING) {
      this.dropped++;
      return undefined;
    }
    const n = this.next++;
    const stem = recordingStem(n, exchange.label);
    const files: FileSet = [];
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
    this.queued.push(files);
    this.scheduled ??= setImmediate(() => void this.handOver());
    return n;
  }

  /** Give what is queued to the writer; resolves when it is on disk. */
  private handOver(): Promise<void> {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    const sets = this.queued.splice(0);
    if (!sets.length) return Promise.resolve();
    if (!this.worker) {
      for (const files of sets) {
        for (const [name, data] of files) {
          try {
            writeFileSync(join(this.dir, name), data, { mode: 0o600 });
          } catch (err) {
            this.onError(
              `writing a recording failed: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
              name,
            );
          }
        }
        this.written++;
      }
      return Promise.resolve();
    }
    const id = ++this.batch;
    this.inFlight += sets.length;
    let done!: () => void;
    const written = new Promise<void>((resolve) => (done = resolve));
    this.waiting.set(id, { done, written });
    this.worker.ref(); // until it has written them: an exit never loses a batch handed over
    this.worker.postMessage({ id, sets });
    return written;
  }

  /** Resolves when everything recorded so far is on disk (the worker's batches included). */
  async flush(): Promise<void> {
    await this.handOver();
    await Promise.all([...this.waiting.values()].map((b) => b.written));
  }

  /** Stop the worker (after flush). */
  async close(): Promise<void> {
    await this.flush();
    await this.worker?.terminate();
    this.worker = undefined;
  }
}
