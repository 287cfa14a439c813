import autocannon, { type Result } from 'autocannon';
import { cpuMsOf } from './processes.js';

/** One load run with autocannon against a SOAP endpoint, with per-response latencies kept at full precision. */

export interface LoadOptions {
  url: string;
  body: string;
  connections: number;
  /** seconds; or give `amount` */
  duration?: number;
  amount?: number;
  /** requests per second over all connections (0 or undefined: as fast as the server answers) */
  rate?: number;
  /** the server's pid, to count the CPU time it spent */
  serverPid?: number;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  /** completed 2xx responses per second */
  throughput: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** responses that were not 2xx, errors and timeouts: a healthy run has none */
  non2xx: number;
  errors: number;
  /** server CPU time per answered request, in microseconds (user + system) */
  serverCpuUsPerRequest?: number;
}

/** The p-th percentile of sorted latencies (nearest rank). */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  const cpuBefore = opts.serverPid ? cpuMsOf(opts.serverPid) : 0;
  const result = await new Promise<Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: opts.url,
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' },
        body: opts.body,
        connections: opts.connections,
        pipelining: 1,
        ...(opts.amount ? { amount: opts.amount } : { duration: opts.duration ?? 5 }),
        ...(opts.rate ? { overallRate: Math.max(1, Math.round(opts.rate)) } : {}),
        timeout: 30,
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      if (status >= 200 && status < 300) latencies.push(ms);
    });
  });
  const cpuMs = opts.serverPid ? cpuMsOf(opts.serverPid) - cpuBefore : undefined;
  const sorted = Float64Array.from(latencies).sort();
  const ok = result['2xx'];
  return {
    requests: ok,
    seconds: result.duration,
    throughput: ok / result.duration,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.length ? sorted[sorted.length - 1] : NaN,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    ...(cpuMs !== undefined && ok > 0 ? { serverCpuUsPerRequest: (cpuMs * 1000) / ok } : {}),
  };
}
