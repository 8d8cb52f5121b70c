// Work done in slices: items queued are processed for about `sliceMs`, then the
// queue yields to I/O (setImmediate) and goes on. The snapshot source builds new
// groups this way: a thousand proxies connecting at once (a restart) must not block
// the event loop for seconds, or store reads (token checks, registrations) miss
// their deadlines.
export class SlicedQueue<T> {
  private readonly items = new Set<T>();
  private scheduled = false;
  private stopped = false;

  /** `process` handles one item; `afterSlice` runs after each slice that handled any. */
  constructor(
    private readonly process: (item: T) => void,
    private readonly sliceMs: number,
    private readonly afterSlice: () => void = () => undefined,
  ) {}

  add(item: T): void {
    this.items.add(item);
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.items.clear();
  }

  private schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => this.slice());
  }

  private slice(): void {
    this.scheduled = false;
    if (this.stopped) return;
    const until = performance.now() + this.sliceMs;
    let handled = false;
    for (const item of this.items) {
      this.items.delete(item);
      this.process(item);
      handled = true;
      if (performance.now() > until) break;
    }
    if (handled) this.afterSlice();
    if (this.items.size > 0) this.schedule();
  }
}
