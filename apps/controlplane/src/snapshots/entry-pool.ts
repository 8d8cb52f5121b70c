// Encoded resources shared by every group: a resource is encoded into an Any once
// per content version (a cluster used by 1,000 sidecars is encoded once), and the
// same SnapshotEntry object is handed to every snapshot that holds it. Entries no
// current snapshot holds are dropped by sweep().
import { encodeAny, type JsonObject } from '@crossway/protos';
import type { SnapshotEntry } from '../contracts';

export class EntryPool {
  private entries = new Map<string, SnapshotEntry>();
  private encodes = 0;

  /** The entry for this resource version, encoding it only the first time. */
  entry(typeName: string, name: string, version: string, resource: JsonObject): SnapshotEntry {
    const key = `${typeName}\u0000${name}\u0000${version}`;
    const known = this.entries.get(key);
    if (known) return known;
    this.encodes++;
    const any = encodeAny(typeName, resource);
    const created: SnapshotEntry = {
      name,
      version,
      any: { type_url: any.type_url, value: any.value },
    };
    this.entries.set(key, created);
    return created;
  }

  /** Keeps only the entries in `live` (those current snapshots hold). */
  sweep(live: Iterable<SnapshotEntry>): void {
    const keep = new Set(live);
    for (const [key, entry] of this.entries) if (!keep.has(entry)) this.entries.delete(key);
    this.liveAfterSweep = this.entries.size;
  }

  /**
   * Sweeps only once the pool has grown by half (and 1,000 entries) since the last
   * sweep: listing every live entry of every group each round costs more than a
   * small endpoint change itself. Entries no snapshot holds are kept until then
   * (encoded bytes only; no snapshot serves them).
   */
  sweepWhenGrown(live: () => Iterable<SnapshotEntry>): void {
    if (this.entries.size <= this.liveAfterSweep * 1.5 + 1000) return;
    this.sweep(live());
  }

  private liveAfterSweep = 0;

  /** How many resources were encoded so far (for tests and build logs). */
  encodeCount(): number {
    return this.encodes;
  }

  size(): number {
    return this.entries.size;
  }
}
