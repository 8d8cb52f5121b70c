// What the proxy registry's records say about stored objects: per Gateway (its edges)
// and per Service (its sidecars and proxyless clients) how many data planes run the
// config they were sent (acked), reject it (nacked) or have not answered yet
// (pending); and per object named in a NACK ("Kind ns/name"), who rejected what.
import { TYPE_URLS } from '../contracts';
import type { ProxyRecord, TypeName } from '../registry/proxy-record';

export interface DataPlaneCounts {
  acked: number;
  nacked: number;
  pending: number;
}

export interface NackReport {
  proxy: string;
  type: TypeName;
  error: string;
}

export interface DataPlaneReport {
  /** By "Gateway ns/name" or "Service ns/name". */
  counts: ReadonlyMap<string, DataPlaneCounts>;
  /** By "Kind ns/name" of the objects behind the rejected resources, sorted by proxy id. */
  nacks: ReadonlyMap<string, NackReport[]>;
}

const TYPE_NAMES = Object.keys(TYPE_URLS) as TypeName[];

/** Acked: every type it was sent is ACKed at the version sent (and something was sent). */
export function proxyState(record: ProxyRecord): keyof DataPlaneCounts {
  if (record.nack !== undefined) return 'nacked';
  const sentAny = TYPE_NAMES.some((t) => record.sent[t] !== '');
  const allAcked = TYPE_NAMES.every((t) => record.versions[t] === record.sent[t]);
  return sentAny && allAcked ? 'acked' : 'pending';
}

/** The object whose data planes the proxy counts for: its Gateway or its Service. */
export function proxyTarget(record: ProxyRecord): string | undefined {
  if (record.role === 'edge') return record.gateway ? `Gateway ${record.gateway}` : undefined;
  return record.service ? `Service ${record.service}` : undefined;
}

export function dataPlaneReport(records: readonly ProxyRecord[]): DataPlaneReport {
  const counts = new Map<string, DataPlaneCounts>();
  const nacks = new Map<string, NackReport[]>();
  for (const record of [...records].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const target = proxyTarget(record);
    if (target !== undefined) {
      const count = counts.get(target) ?? { acked: 0, nacked: 0, pending: 0 };
      count[proxyState(record)]++;
      counts.set(target, count);
    }
    const nack = record.nack;
    if (nack === undefined) continue;
    for (const object of new Set(nack.objects)) {
      const list = nacks.get(object) ?? [];
      list.push({ proxy: record.id, type: nack.type, error: nack.error });
      nacks.set(object, list);
    }
  }
  return { counts, nacks };
}
