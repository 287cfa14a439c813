import { createHash, randomBytes } from 'node:crypto';

/**
 * Seeded randomness. Each purpose draws from its own named stream (order numbers, serials, and per
 * customer delays and faults), so one purpose drawing more never shifts another: the same seed and the
 * same requests give the same order numbers and serials however faults are configured, and one customer's
 * delay and fault draws do not depend on another's calls. SHA-256 in counter mode.
 */
export class SeededRandom {
  private readonly streams = new Map<string, RandomStream>();

  constructor(private currentSeed: string) {}

  get seed(): string {
    return this.currentSeed;
  }

  /** Start every stream over (a full reset), optionally from a new seed. */
  reseed(seed: string = this.currentSeed): void {
    this.currentSeed = seed;
    this.streams.clear();
  }

  /** Start one stream over (one customer's reset restarts its fault and delay streams). */
  restart(name: string): void {
    this.streams.delete(name);
  }

  static fresh(): SeededRandom {
    return new SeededRandom(randomBytes(8).toString('hex'));
  }

  stream(name: string): RandomStream {
    let s = this.streams.get(name);
    if (!s) {
      s = new RandomStream(`${this.currentSeed}/${name}`);
      this.streams.set(name, s);
    }
    return s;
  }
}

export class RandomStream {
  private counter = 0;
  private pool = Buffer.alloc(0);

  constructor(private readonly key: string) {}

  bytes(n: number): Buffer {
    while (this.pool.length < n) {
      const block = createHash('sha256').update(`${this.key}#${this.counter++}`).digest();
      this.pool = Buffer.concat([this.pool, block]);
    }
    const out = this.pool.subarray(0, n);
    this.pool = this.pool.subarray(n);
    return Buffer.from(out);
  }

  /** uniform in [0, 1) */
  float(): number {
    return this.bytes(6).readUIntBE(0, 6) / 2 ** 48;
  }

  /** uniform integer in [min, max] */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }
}
