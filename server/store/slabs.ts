/**
 * Byte ranges in a few large buffers ("slabs") instead of one allocation each. For many small, long-lived
 * records (packed orders, ~2 kB) a buffer of its own costs a backing store, its bookkeeping and a malloc
 * chunk apiece, and the chunks, interleaved with a server's short-lived allocations, fragment the heap
 * for good. Slabs cost none of that.
 *
 * A freed range is garbage until its slab empties and is released. A slab mostly garbage is compacted: the
 * owner is told which ranges still live there and moves them (see `sparse`).
 */

export interface Extent {
  slab: number;
  at: number;
  length: number;
}

const NONE: ReadonlySet<number> = new Set();
/** a full slab whose live bytes fall below this share is worth compacting */
const SPARSE_SHARE = 0.25;

export class Slabs {
  private readonly slabs: (Buffer | undefined)[] = [];
  private readonly live: number[] = [];
  private readonly unused: number[] = [];
  private current = -1;
  private used: number;
  /** slabs found mostly garbage since the owner last asked */
  private readonly sparseSlabs = new Set<number>();
  /** ranges at least this large get a slab of their own (rare: a CSR near the guide's 32767 chars is 24 kB) */
  private readonly ownSlabBytes: number;

  /** `slabBytes`: the size of a shared slab (tests make it small to see compaction) */
  constructor(private readonly slabBytes = 1 << 20) {
    this.used = slabBytes;
    this.ownSlabBytes = slabBytes / 8;
  }

  /** Room for `length` bytes; write them with `view`. */
  alloc(length: number): Extent {
    if (length >= this.ownSlabBytes) {
      const slab = this.newSlab(length);
      this.live[slab] = length;
      return { slab, at: 0, length };
    }
    if (this.used + length > this.slabBytes) {
      const previous = this.current;
      this.current = this.newSlab(this.slabBytes);
      this.used = 0;
      // frees of the slab being filled were only counted: look at it now
      if (previous >= 0) this.check(previous);
    }
    const extent = { slab: this.current, at: this.used, length };
    this.used += length;
    this.live[this.current] += length;
    return extent;
  }

  /** The bytes of a range (a view: valid until the range is freed). */
  view(extent: Extent): Buffer {
    return this.slabs[extent.slab]!.subarray(extent.at, extent.at + extent.length);
  }

  free(extent: Extent): void {
    const { slab } = extent;
    this.live[slab] -= extent.length;
    if (slab !== this.current) this.check(slab);
  }

  private check(slab: number): void {
    if (this.live[slab] === 0) this.release(slab);
    else if (this.slabs[slab]!.length === this.slabBytes && this.live[slab] < this.slabBytes * SPARSE_SHARE)
      this.sparseSlabs.add(slab);
  }

  /**
   * Slabs that became mostly garbage: the owner moves the ranges still living there (alloc, copy, free),
   * after which the slab is released. Cheap to ask after every free: usually empty.
   */
  takeSparse(): ReadonlySet<number> {
    if (this.sparseSlabs.size === 0) return NONE;
    const out = new Set(this.sparseSlabs);
    this.sparseSlabs.clear();
    return out;
  }

  /** Everything released; ranges handed out before are invalid. */
  clear(): void {
    this.slabs.length = 0;
    this.live.length = 0;
    this.unused.length = 0;
    this.sparseSlabs.clear();
    this.current = -1;
    this.used = this.slabBytes;
  }

  /** For diagnostics and tests: slabs held, and their bytes in all and live. */
  stats(): { slabs: number; bytes: number; liveBytes: number } {
    let slabs = 0;
    let bytes = 0;
    let liveBytes = 0;
    this.slabs.forEach((s, i) => {
      if (!s) return;
      slabs++;
      bytes += s.length;
      liveBytes += this.live[i];
    });
    return { slabs, bytes, liveBytes };
  }

  private newSlab(bytes: number): number {
    const slab = this.unused.pop() ?? this.slabs.length;
    this.slabs[slab] = Buffer.allocUnsafeSlow(bytes);
    this.live[slab] = 0;
    return slab;
  }

  private release(slab: number): void {
    this.slabs[slab] = undefined;
    this.live[slab] = 0;
    this.sparseSlabs.delete(slab);
    this.unused.push(slab);
  }
}
