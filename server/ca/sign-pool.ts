import { sign, type KeyObject } from 'node:crypto';
import { Worker } from 'node:worker_threads';

/**
 * RSA signatures in worker threads, so the issuing CA's signature (about a third of an enroll's CPU time)
 * runs beside the event loop instead of on it. The workers hold their own copy of the issuing key.
 * A worker that fails never loses a certificate: its jobs, and every later one, are signed inline.
 */

export interface TbsSigner {
  /** sha256WithRSAEncryption signature of a TBSCertificate */
  sign(tbs: Buffer): Promise<Buffer>;
  close(): Promise<void>;
}

// CommonJS, evaluated: no file to resolve, whether the server runs from dist/, tsx or a test runner
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createPrivateKey, sign } = require('node:crypto');
const key = createPrivateKey({ key: Buffer.from(workerData.pkcs8), format: 'der', type: 'pkcs8' });
parentPort.on('message', ({ id, tbs }) => {
  parentPort.postMessage({ id, signature: sign('sha256', Buffer.from(tbs.buffer, tbs.byteOffset, tbs.byteLength), key) });
});
`;

interface Job {
  tbs: Buffer;
  resolve: (signature: Buffer) => void;
}

interface Slot {
  worker: Worker;
  jobs: Map<number, Job>;
  alive: boolean;
}

export class SignWorkerPool implements TbsSigner {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly key: KeyObject,
    workers: number,
    private readonly onFailure: (message: string) => void = (m) => console.error(`ccm-mock: ${m}`),
  ) {
    const pkcs8 = key.export({ type: 'pkcs8', format: 'der' });
    for (let i = 0; i < workers; i++) this.slots.push(this.start(pkcs8));
  }

  get size(): number {
    return this.slots.filter((s) => s.alive).length;
  }

  private start(pkcs8: Buffer): Slot {
    // a signature makes little JS garbage: V8's default young generation (tens of MB once a load has grown it)
    // would only sit in RSS; measured ~10 MB less after 100,000 enrolls
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { pkcs8 },
      resourceLimits: { maxYoungGenerationSizeMb: 2 },
    });
    const slot: Slot = { worker, jobs: new Map(), alive: true };
    worker.unref(); // an idle pool never keeps the process alive
    worker.on('message', ({ id, signature }: { id: number; signature: Uint8Array }) => {
      const job = slot.jobs.get(id);
      if (!job) return;
      slot.jobs.delete(id);
      if (slot.jobs.size === 0) worker.unref();
      job.resolve(Buffer.from(signature.buffer, signature.byteOffset, signature.byteLength));
    });
    const fail = (why: string) => {
      if (!slot.alive) return;
      slot.alive = false;
      if (!this.closed)
        this.onFailure(`a signing worker stopped (${why}); its certificates are signed on the main thread`);
      for (const job of slot.jobs.values()) job.resolve(this.signInline(job.tbs));
      slot.jobs.clear();
    };
    worker.on('error', (err) => fail(err.message));
    worker.on('exit', (code) => fail(`exit code ${code}`));
    return slot;
  }

  private signInline(tbs: Buffer): Buffer {
    return sign('sha256', tbs, this.key);
  }

  sign(tbs: Buffer): Promise<Buffer> {
    let best: Slot | undefined;
    for (const slot of this.slots) if (slot.alive && (!best || slot.jobs.size < best.jobs.size)) best = slot;
    if (!best || this.closed) return Promise.resolve(this.signInline(tbs));
    const slot = best;
    return new Promise((resolve) => {
      const id = this.nextId++;
      if (slot.jobs.size === 0) slot.worker.ref();
      slot.jobs.set(id, { tbs, resolve });
      slot.worker.postMessage({ id, tbs });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
