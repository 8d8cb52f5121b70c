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
  }

  /** How many resources were encoded so far (for tests and build logs). */
  encodeCount(): number {
    return this.encodes;
  }

  size(): number {
    return this.entries.size;
  }
}
