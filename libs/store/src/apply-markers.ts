// Apply markers: `<prefix>/markers/apply/<id>`, JSON {id, startedAt, operations, owner?},
// put under a lease. The writer renews the lease before each chunk; if it dies or
// stalls, the lease expires and etcd (or the memory store) deletes the marker by itself,
// so a crashed writer never blocks readers for longer than the TTL.
import { StoreError } from './errors';
import { prefixRange, type KeyLayout } from './keys';
import type { KvBackend, KvCompare, KvEvent } from './kv';
import type { ApplyMarker, ApplyMarkerChange } from './types';

export const DEFAULT_MARKER_TTL_MS = 30_000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function decodeMarker(text: string, key: string): ApplyMarker {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new StoreError('Internal', `apply marker at ${key} is not JSON`, { cause });
  }
  if (
    !isRecord(value) ||
    typeof value['id'] !== 'string' ||
    typeof value['startedAt'] !== 'string' ||
    typeof value['operations'] !== 'number'
  ) {
    throw new StoreError('Internal', `value at ${key} is not an apply marker`);
  }
  const marker: ApplyMarker = {
    id: value['id'],
    startedAt: value['startedAt'],
    operations: value['operations'],
  };
  const owner = value['owner'];
  if (typeof owner === 'string') marker.owner = owner;
  return marker;
}

/** The change a watch event on a marker key stands for. */
export function markerChange(event: KvEvent, layout: KeyLayout): ApplyMarkerChange {
  if (event.type === 'put') {
    return {
      type: 'OPENED',
      revision: event.revision,
      marker: decodeMarker(event.value ?? '', event.key),
    };
  }
  return {
    type: 'CLOSED',
    revision: event.revision,
    id: event.key.slice(layout.applyMarkers.length),
  };
}

export async function listMarkers(
  backend: KvBackend,
  layout: KeyLayout,
  revision?: number,
): Promise<ApplyMarker[]> {
  const markers: ApplyMarker[] = [];
  const range = prefixRange(layout.applyMarkers);
  for (let start = range.start; ;) {
    const page = await backend.range(
      { start, end: range.end },
      revision === undefined ? { limit: 100 } : { revision, limit: 100 },
    );
    revision = page.revision;
    for (const entry of page.entries) markers.push(decodeMarker(entry.value, entry.key));
    const last = page.entries.at(-1);
    if (!page.more || last === undefined) return markers;
    start = `${last.key}\0`;
  }
}

/** An open marker held by its writer. */
export class OpenMarker {
  private renewedAt: number;

  private constructor(
    private readonly backend: KvBackend,
    readonly key: string,
    private readonly lease: string,
    private readonly ttlMs: number,
  ) {
    this.renewedAt = Date.now();
  }

  /** Commits may require this, so nothing is written under a marker that has expired. */
  get compare(): KvCompare {
    return { key: this.key, exists: true };
  }

  static async open(
    backend: KvBackend,
    layout: KeyLayout,
    marker: ApplyMarker,
    ttlMs: number,
  ): Promise<OpenMarker> {
    const lease = await backend.grantLease(ttlMs);
    const key = layout.applyMarkerKey(marker.id);
    try {
      await backend.commit(
        [{ key, modRevision: 0 }],
        [{ type: 'put', key, value: JSON.stringify(marker), lease: lease.id }],
      );
    } catch (error) {
      await backend.revokeLease(lease.id).catch(() => undefined);
      throw error;
    }
    return new OpenMarker(backend, key, lease.id, lease.ttlMs);
  }

  /** Renews the lease once a third of its TTL has passed; false if it expired already. */
  async renew(): Promise<boolean> {
    if (Date.now() - this.renewedAt < this.ttlMs / 3) return true;
    const started = Date.now();
    if (!(await this.backend.keepLeaseAlive(this.lease))) return false;
    this.renewedAt = started;
    return true;
  }

  /** Deletes the marker. Never throws: a marker that cannot be deleted expires. */
  async close(): Promise<void> {
    await this.backend.revokeLease(this.lease).catch(() => undefined);
  }
}
