import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileDurably } from './durable-file.js';

/**
 * CRL numbers (RFC 5280 5.2.3: "monotonically increasing"), one sequence per scope (a CA key).
 *
 * They cannot be derived from the stored orders: a CRL is also re-signed when nothing was revoked (time
 * passes) and when revocations disappear (an admin reset). So the last number is kept next to the CA in
 * the data directory, and survives restarts with it. Without a data directory numbers start at 1 on each
 * start, as the CA itself is then new on each start.
 */
export interface CrlNumbers {
  /** the number for a CRL about to be signed; never one handed out before for this scope */
  next(scope: string): bigint;
}

export class MemoryCrlNumbers implements CrlNumbers {
  protected readonly last = new Map<string, bigint>();

  next(scope: string): bigint {
    const n = (this.last.get(scope) ?? 0n) + 1n;
    this.last.set(scope, n);
    return n;
  }
}

/**
 * `{ "<scope>": "<last number>" }` in a JSON file, rewritten durably (write, fsync, rename) on every number
 * handed out, before the CRL carrying it is served: a number is never handed out twice, power cut or not.
 */
export class FileCrlNumbers extends MemoryCrlNumbers {
  constructor(private readonly file: string) {
    super();
    let text: string | undefined;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (text === undefined) return;
    try {
      const parsed = JSON.parse(text) as Record<string, unknown>;
      for (const [scope, value] of Object.entries(parsed)) {
        if (typeof value !== 'string' || !/^\d{1,48}$/.test(value))
          throw new Error(`"${scope}" is not a decimal string`);
        this.last.set(scope, BigInt(value));
      }
    } catch (err) {
      throw new Error(
        `the CRL number file ${file} is unreadable (${(err as Error).message}); fix or delete it (numbering then restarts at 1)`,
        { cause: err },
      );
    }
  }

  override next(scope: string): bigint {
    const n = super.next(scope);
    const body = JSON.stringify(Object.fromEntries([...this.last].map(([k, v]) => [k, v.toString()])), null, 2) + '\n';
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    writeFileDurably(this.file, body);
    return n;
  }
}
