import { connect, type Socket } from 'node:net';
import { cpuMsOf } from './processes.js';
import { percentile, type LoadResult } from './load.js';

/**
 * Latency at a given rate, measured open loop: requests leave evenly spaced (1 / rate apart, to the timer's
 * millisecond), whether or not earlier ones have been answered, over a pool of keep-alive connections; a request
 * due while every connection is busy waits for one, and that wait counts in its latency (coordinated omission
 * corrected, as wrk2 does). This is what "latency at N requests per second" means to a user.
 *
 * autocannon is kept for peak throughput (closed loop is right there), but not used for this: its fixed rate
 * (`overallRate`) lets each connection send back to back until its share of the second is used up, then idle,
 * so its "N per second" is bursts at full concurrency and its latency mostly measures how fast the server drains
 * a burst. Bodies are read by Content-Length or chunked encoding, enough for the servers measured here.
 */

export interface PacedOptions {
  url: string;
  body: string;
  /** requests per second, spread evenly */
  rate: number;
  /** seconds */
  duration: number;
  /** keep-alive connections in the pool (the most requests in flight at once) */
  connections: number;
  /** the server's pid, to count the CPU time it spent */
  serverPid?: number;
}

interface Pending {
  /** when it was due to leave (the pool's wait counts in its latency) */
  due: number;
}

/** Reads HTTP/1.1 responses off one connection: calls `done(status)` for each complete one. */
class ResponseReader {
  private buffer: Buffer = Buffer.alloc(0);
  private status = 0;
  /** body bytes still to come (Content-Length), or -1 when chunked, or undefined when between responses */
  private remaining: number | undefined;

  constructor(private readonly done: (status: number) => void) {}

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      if (this.remaining === undefined) {
        const end = this.buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = this.buffer.subarray(0, end).toString('latin1');
        this.buffer = this.buffer.subarray(end + 4);
        this.status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
        const length = /\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1];
        this.remaining =
          length !== undefined ? Number(length) : /\r\ntransfer-encoding:\s*chunked/i.test(head) ? -1 : 0;
      }
      if (this.remaining >= 0) {
        if (this.buffer.length < this.remaining) return;
        this.buffer = this.buffer.subarray(this.remaining);
      } else {
        const last = this.lastChunkEnd();
        if (last < 0) return;
        this.buffer = this.buffer.subarray(last);
      }
      this.remaining = undefined;
      this.done(this.status);
    }
  }

  /** Where the chunked body ends (after the zero-size chunk and its CRLF), or -1 when it has not arrived whole. */
  private lastChunkEnd(): number {
    let at = 0;
    for (;;) {
      const line = this.buffer.indexOf('\r\n', at);
      if (line < 0) return -1;
      const size = parseInt(this.buffer.subarray(at, line).toString('latin1'), 16);
      if (size === 0) {
        const end = this.buffer.indexOf('\r\n\r\n', line);
        return end < 0 ? (this.buffer.length >= line + 4 ? line + 4 : -1) : end + 4;
      }
      at = line + 2 + size + 2;
      if (at > this.buffer.length) return -1;
    }
  }
}

export async function runPaced(o: PacedOptions): Promise<LoadResult> {
  const url = new URL(o.url);
  const port = Number(url.port || 80);
  const body = Buffer.from(o.body, 'utf8');
  const request = Buffer.concat([
    Buffer.from(
      `POST ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: text/xml; charset=utf-8\r\n` +
        `SOAPAction: ""\r\nContent-Length: ${body.length}\r\n\r\n`,
      'latin1',
    ),
    body,
  ]);
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const free: Socket[] = [];
  const waiting: Pending[] = [];
  const cpuBefore = o.serverPid ? cpuMsOf(o.serverPid) : 0;

  const send = (socket: Socket, p: Pending) => {
    inFlight.set(socket, p);
    socket.write(request);
  };
  const inFlight = new Map<Socket, Pending>();
  const sockets = await Promise.all(
    Array.from(
      { length: o.connections },
      () =>
        new Promise<Socket>((resolve, reject) => {
          const socket = connect({ host: url.hostname, port, noDelay: true }, () => resolve(socket));
          socket.once('error', reject);
        }),
    ),
  );
  for (const socket of sockets) {
    const reader = new ResponseReader((status) => {
      const p = inFlight.get(socket);
      inFlight.delete(socket);
      if (!p) return;
      if (status >= 200 && status < 300) latencies.push(performance.now() - p.due);
      else non2xx++;
      const next = waiting.shift();
      if (next) send(socket, next);
      else free.push(socket);
    });
    socket.on('data', (chunk: Buffer) => reader.push(chunk));
    // a connection the server closes is not reused; what it had in flight is an error (counted once, here)
    socket.on('error', () => {});
    socket.on('close', () => {
      const i = free.indexOf(socket);
      if (i >= 0) free.splice(i, 1);
      if (inFlight.delete(socket)) errors++;
    });
    free.push(socket);
  }

  const interval = 1000 / o.rate;
  const started = performance.now();
  const total = Math.round(o.rate * o.duration);
  let issued = 0;
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const now = performance.now();
      // every request due by now leaves now: the timer's lateness is the generator's, not the server's
      while (issued < total && started + issued * interval <= now) {
        issued++;
        const socket = free.pop();
        if (socket) send(socket, { due: now });
        else waiting.push({ due: now });
      }
      if (issued >= total) {
        clearInterval(tick);
        resolve();
      }
    }, 1);
  });
  const deadline = performance.now() + 30_000;
  while ((inFlight.size > 0 || waiting.length > 0) && sockets.some((s) => !s.destroyed) && performance.now() < deadline)
    await new Promise((r) => setTimeout(r, 5));
  errors += inFlight.size + waiting.length;
  const seconds = (performance.now() - started) / 1000;
  for (const socket of sockets) socket.destroy();
  const cpuMs = o.serverPid ? cpuMsOf(o.serverPid) - cpuBefore : undefined;
  const sorted = Float64Array.from(latencies).sort();
  const ok = latencies.length;
  return {
    requests: ok,
    seconds,
    throughput: ok / seconds,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.length ? sorted[sorted.length - 1] : NaN,
    non2xx,
    errors,
    ...(cpuMs !== undefined && ok > 0 ? { serverCpuUsPerRequest: (cpuMs * 1000) / ok } : {}),
  };
}
