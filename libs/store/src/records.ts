// Record areas: small JSON documents that are not policy objects (API token records,
// for instance), kept beside the objects so every replica sees the same ones. No
// metadata, no status, no watch events; keys `<prefix>/records/<area>/<id>`.
// create() and replace() are compare-and-set writes (the key's modRevision is the
// version), so replicas racing on one record agree on who won.
import { StoreError } from './errors';
import { prefixRange, type KeyLayout } from './keys';
import type { KvBackend } from './kv';
import { checkLimits } from './limits';
import type { RecordArea } from './types';

const PAGE = 500;

function checkName(what: string, value: string): void {
  if (value === '' || value.includes('/')) {
    throw new StoreError(
      'InvalidArgument',
      `record ${what} "${value}" must be non-empty and contain no "/"`,
    );
  }
}

export function recordArea<T>(
  backend: KvBackend,
  layout: KeyLayout,
  area: string,
  parse: (value: unknown) => T,
  checkOpen: () => void,
): RecordArea<T> {
  checkName('area', area);
  const base = `${layout.records}${area}/`;
  const keyOf = (id: string): string => {
    checkName('id', id);
    return base + id;
  };
  const decode = (text: string, key: string): T => {
    try {
      return parse(JSON.parse(text));
    } catch (cause) {
      throw new StoreError('Internal', `record at ${key} cannot be read`, { cause });
    }
  };
  return {
    get: async (id) => {
      checkOpen();
      const key = keyOf(id);
      const entry = (await backend.read([key])).entries.get(key);
      return entry === undefined ? undefined : decode(entry.value, key);
    },
    put: async (id, value) => {
      checkOpen();
      const writes = [{ type: 'put' as const, key: keyOf(id), value: JSON.stringify(value) }];
      checkLimits([], writes);
      await backend.commit([], writes);
    },
    delete: async (id) => {
      checkOpen();
      const key = keyOf(id);
      const { entries } = await backend.read([key]);
      const entry = entries.get(key);
      if (entry === undefined) return false;
      // Pinned, so "true" means this call removed it.
      const { succeeded } = await backend.commit(
        [{ key, modRevision: entry.modRevision }],
        [{ type: 'delete', key }],
      );
      return succeeded;
    },
    create: async (id, value) => {
      checkOpen();
      const key = keyOf(id);
      const writes = [{ type: 'put' as const, key, value: JSON.stringify(value) }];
      checkLimits([], writes);
      // modRevision 0 pins the key as absent.
      const { succeeded } = await backend.commit([{ key, modRevision: 0 }], writes);
      return succeeded;
    },
    getVersioned: async (id) => {
      checkOpen();
      const key = keyOf(id);
      const entry = (await backend.read([key])).entries.get(key);
      if (entry === undefined) return undefined;
      return { value: decode(entry.value, key), version: String(entry.modRevision) };
    },
    replace: async (id, version, value) => {
      checkOpen();
      const key = keyOf(id);
      const modRevision = Number(version);
      if (!/^[1-9][0-9]*$/.test(version) || !Number.isSafeInteger(modRevision)) {
        throw new StoreError(
          'InvalidArgument',
          `record version "${version}" is not one getVersioned returns`,
        );
      }
      const writes = [{ type: 'put' as const, key, value: JSON.stringify(value) }];
      checkLimits([], writes);
      const { succeeded } = await backend.commit([{ key, modRevision }], writes);
      return succeeded;
    },
    list: async () => {
      checkOpen();
      const range = prefixRange(base);
      const records: { id: string; value: T }[] = [];
      let revision: number | undefined;
      for (let start = range.start; ;) {
        const page = await backend.range(
          { start, end: range.end },
          revision === undefined ? { limit: PAGE } : { revision, limit: PAGE },
        );
        revision = page.revision;
        for (const entry of page.entries) {
          records.push({ id: entry.key.slice(base.length), value: decode(entry.value, entry.key) });
        }
        const last = page.entries.at(-1);
        if (!page.more || last === undefined) return records;
        start = `${last.key}\0`;
      }
    },
  };
}
