// Leased record areas: records that live only as long as the lease of the session that
// wrote them (e.g. the proxies connected to one control-plane instance). When the
// session's lease expires or is closed, etcd (or the memory store) deletes its records.
// Keys are the same as plain record areas: `<prefix>/records/<area>/<id>`.
import { StoreError } from './errors';
import type { KeyLayout } from './keys';
import type { KvBackend } from './kv';
import { checkLimits } from './limits';
import { recordArea } from './records';
import type { LeasedRecordArea, LeaseSession } from './types';

export function leasedRecordArea<T>(
  backend: KvBackend,
  layout: KeyLayout,
  area: string,
  parse: (value: unknown) => T,
  checkOpen: () => void,
): LeasedRecordArea<T> {
  const plain = recordArea(backend, layout, area, parse, checkOpen);
  const keyOf = (id: string): string => {
    if (id === '' || id.includes('/')) {
      throw new StoreError(
        'InvalidArgument',
        `record id "${id}" must be non-empty and contain no "/"`,
      );
    }
    return `${layout.records}${area}/${id}`;
  };
  return {
    get: (id) => plain.get(id),
    list: () => plain.list(),
    session: async (ttlMs) => {
      checkOpen();
      const lease = await backend.grantLease(ttlMs);
      let closed = false;
      const checkSession = (): void => {
        checkOpen();
        if (closed) throw new StoreError('Unavailable', 'the lease session is closed');
      };
      const session: LeaseSession<T> = {
        ttlMs: lease.ttlMs,
        put: async (id, value) => {
          checkSession();
          const writes = [
            { type: 'put' as const, key: keyOf(id), value: JSON.stringify(value), lease: lease.id },
          ];
          checkLimits([], writes);
          await backend.commit([], writes);
        },
        create: async (id, value) => {
          checkSession();
          const key = keyOf(id);
          const writes = [
            { type: 'put' as const, key, value: JSON.stringify(value), lease: lease.id },
          ];
          checkLimits([], writes);
          const { succeeded } = await backend.commit([{ key, modRevision: 0 }], writes);
          return succeeded;
        },
        delete: async (id) => {
          checkSession();
          const key = keyOf(id);
          const { entries } = await backend.read([key]);
          const entry = entries.get(key);
          if (entry === undefined) return false;
          const { succeeded } = await backend.commit(
            [{ key, modRevision: entry.modRevision }],
            [{ type: 'delete', key }],
          );
          return succeeded;
        },
        keepAlive: async () => {
          if (closed) return false;
          checkOpen();
          return backend.keepLeaseAlive(lease.id);
        },
        close: async () => {
          if (closed) return;
          closed = true;
          await backend.revokeLease(lease.id).catch(() => undefined);
        },
      };
      return session;
    },
  };
}
