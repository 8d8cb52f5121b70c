// Collects events and hands them on in batches, at most `intervalMs` after the
// first event of a batch, so thousands of ACKs cost a few IPC messages.
export class Batcher<T> {
  private items: T[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly send: (batch: T[]) => void,
    private readonly intervalMs = 20,
  ) {}

  add(item: T): void {
    this.items.push(item);
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs);
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.items.length === 0) return;
    const batch = this.items;
    this.items = [];
    this.send(batch);
  }
}
