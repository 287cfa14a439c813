/**
 * Observing an exchange (inflating, redacting, checking, recording, logging) costs several times what forwarding
 * it does, and it runs on the same event loop. Done right after each answer, it sits in front of every other
 * exchange in flight: their requests wait to be forwarded and their answers to be returned. So the proxy keeps
 * the exchanges answered while others are in flight here, in arrival order, and observes them one per turn of
 * the event loop once none is in flight (a request arriving meanwhile waits for one observation at most). In
 * flight counts from the request read whole to the answer written, which the upstream deadline bounds: a caller
 * that stalls its request never holds observations back.
 * Bounded: past `maxItems` exchanges or `maxBytes` of bodies waiting, the oldest are observed on the next turn
 * (after the answer just written has gone out), so under
 * sustained load the proxy observes as fast as it answers, as it would without the queue. Nothing is dropped.
 */

export interface IdleQueueOptions<T> {
  observe: (item: T) => void;
  /** the size of an item, in bytes (its bodies) */
  sizeOf: (item: T) => number;
  maxItems: number;
  maxBytes: number;
}

export class IdleQueue<T> {
  private readonly items: T[] = [];
  private head = 0;
  private bytes = 0;
  private inFlight = 0;
  private scheduled: NodeJS.Immediate | undefined;
  private readonly waiters: Array<() => void> = [];

  constructor(private readonly opts: IdleQueueOptions<T>) {}

  /** An exchange is being forwarded: observations wait until it has been answered. */
  started(): void {
    this.inFlight++;
  }

  /** An exchange that `started` was answered (or given up). */
  ended(): void {
    this.inFlight--;
    this.schedule();
  }

  /** An answered exchange, to observe. */
  add(item: T): void {
    this.items.push(item);
    this.bytes += this.opts.sizeOf(item);
    this.schedule();
  }

  /** Exchanges waiting to be observed. */
  get pending(): number {
    return this.items.length - this.head;
  }

  /** Resolves once every exchange answered so far has been observed. */
  drained(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.waiters.push(resolve);
      this.schedule();
    });
  }

  /** Observe everything waiting now (at exit). */
  drainNow(): void {
    while (this.pending > 0) this.observeOldest();
    for (const resolve of this.waiters.splice(0)) resolve();
  }

  private schedule(): void {
    if (this.pending === 0) for (const resolve of this.waiters.splice(0)) resolve();
    if (this.scheduled || this.pending === 0 || (this.inFlight > 0 && !this.waiters.length && !this.over())) return;
    // on the next turn, after the answer just written has gone out (node writes it on the next tick)
    this.scheduled = setImmediate(() => {
      this.scheduled = undefined;
      while (this.over()) this.observeOldest();
      // one per turn: what arrived in between is read and forwarded before the next observation
      if (this.pending > 0 && (this.inFlight === 0 || this.waiters.length)) this.observeOldest();
      this.schedule();
    });
  }

  private over(): boolean {
    return this.pending > this.opts.maxItems || (this.pending > 0 && this.bytes > this.opts.maxBytes);
  }

  private observeOldest(): void {
    const item = this.items[this.head];
    this.items[this.head++] = undefined as T;
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    } else if (this.head > 1024) {
      this.items.splice(0, this.head);
      this.head = 0;
    }
    this.bytes -= this.opts.sizeOf(item);
    this.opts.observe(item);
  }
}
