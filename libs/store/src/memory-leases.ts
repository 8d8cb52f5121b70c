// Leases for the in-memory store, with etcd's semantics: keys put under a lease are
// deleted when it expires or is revoked, and a put without a lease detaches a key.
// Expiry is checked on every store call (and by a timer, so watchers learn of it on
// an idle store too); the store turns expired leases into ordinary deletes.

interface Lease {
  ttlMs: number;
  expiresAt: number;
  keys: Set<string>;
  timer: ReturnType<typeof setTimeout>;
}

export class MemoryLeases {
  private readonly leases = new Map<string, Lease>();
  /** Which lease each leased key is under. */
  private readonly owners = new Map<string, string>();
  private nextId = 1;

  /** `onTimer` runs when some lease may have expired; it should call expire(). */
  constructor(
    private readonly onTimer: () => void,
    private readonly clock: () => number = Date.now,
  ) {}

  grant(ttlMs: number): { id: string; ttlMs: number } {
    const id = String(this.nextId++);
    const ttl = Math.max(1, Math.ceil(ttlMs));
    this.leases.set(id, {
      ttlMs: ttl,
      expiresAt: this.clock() + ttl,
      keys: new Set(),
      timer: this.schedule(ttl),
    });
    return { id, ttlMs: ttl };
  }

  /** False if the lease is gone (expired leases count as gone even before expire() ran). */
  keepAlive(id: string): boolean {
    const lease = this.live(id);
    if (lease === undefined) return false;
    clearTimeout(lease.timer);
    lease.expiresAt = this.clock() + lease.ttlMs;
    lease.timer = this.schedule(lease.ttlMs);
    return true;
  }

  has(id: string): boolean {
    return this.live(id) !== undefined;
  }

  /** Ends the lease; returns the keys to delete. */
  revoke(id: string): string[] {
    const lease = this.leases.get(id);
    if (lease === undefined) return [];
    clearTimeout(lease.timer);
    this.leases.delete(id);
    for (const key of lease.keys) this.owners.delete(key);
    return [...lease.keys];
  }

  /** Ends every lease past its expiry; returns the keys of each, one list per lease. */
  expire(): string[][] {
    const now = this.clock();
    const expired: string[][] = [];
    for (const [id, lease] of this.leases) {
      if (lease.expiresAt <= now) expired.push(this.revoke(id));
    }
    return expired;
  }

  /** Records a put of `key`, under `lease` or none. */
  put(key: string, lease: string | undefined): void {
    this.deleted(key);
    if (lease === undefined) return;
    this.leases.get(lease)?.keys.add(key);
    this.owners.set(key, lease);
  }

  deleted(key: string): void {
    const owner = this.owners.get(key);
    if (owner === undefined) return;
    this.leases.get(owner)?.keys.delete(key);
    this.owners.delete(key);
  }

  close(): void {
    for (const lease of this.leases.values()) clearTimeout(lease.timer);
    this.leases.clear();
    this.owners.clear();
  }

  private live(id: string): Lease | undefined {
    const lease = this.leases.get(id);
    return lease === undefined || lease.expiresAt <= this.clock() ? undefined : lease;
  }

  private schedule(ms: number): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => this.onTimer(), ms + 1);
    timer.unref();
    return timer;
  }
}
