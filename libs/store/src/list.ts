// Paginated lists at one revision: the first page fixes the revision, later pages
// read at it (Compacted once it is gone). Filters (namespace across kinds, label
// selector) apply while reading, so a page holds up to `limit` matches.
import { matchesLabelSelector, type CrosswayObject, type ObjectStatus } from '@crossway/model';
import { decodeObject, decodeStatus } from './codec';
import { decodeContinue, encodeContinue } from './continue-token';
import { isStoreError, StoreError } from './errors';
import { compareKeys, type KeyLayout, type KeyRange } from './keys';
import type { KvBackend, KvEntry } from './kv';
import { present } from './metadata';
import type { ListOptions, ListResult } from './types';

/** Keys read per round trip when no limit (or a filtering one) is given. */
const CHUNK = 500;

function startOf(
  options: ListOptions,
  layout: KeyLayout,
  range: KeyRange,
): { revision?: number; start: string } {
  if (options.continue === undefined || options.continue === '') return { start: range.start };
  const position = decodeContinue(options.continue);
  const start = layout.objects + position.nextKey;
  if (compareKeys(start, range.start) < 0 || compareKeys(start, range.end) >= 0) {
    throw new StoreError(
      'InvalidContinue',
      'the continue token belongs to a list of other kinds or namespaces',
    );
  }
  return { revision: position.revision, start };
}

async function statusesOf(
  backend: KvBackend,
  layout: KeyLayout,
  entries: readonly KvEntry[],
  revision: number,
): Promise<Map<string, ObjectStatus>> {
  const statuses = new Map<string, ObjectStatus>();
  const first = entries[0];
  const last = entries.at(-1);
  if (first === undefined || last === undefined) return statuses;
  const range = { start: layout.statusKeyOf(first.key), end: `${layout.statusKeyOf(last.key)}\0` };
  const read = await backend.range(range, { revision });
  for (const entry of read.entries) statuses.set(entry.key, decodeStatus(entry.value, entry.key));
  return statuses;
}

export async function listObjects(
  backend: KvBackend,
  layout: KeyLayout,
  options: ListOptions,
): Promise<ListResult> {
  const limit = options.limit ?? 0;
  if (!Number.isSafeInteger(limit) || limit < 0) {
    throw new StoreError('InvalidArgument', `limit must be a non-negative integer, not ${limit}`);
  }
  const range = layout.listRange(options.kind, options.namespace);
  const position = startOf(options, layout, range);
  const filtering = options.labelSelector !== undefined || options.namespace !== undefined;
  const chunk =
    limit === 0
      ? CHUNK
      : filtering
        ? Math.min(Math.max(limit, 100), CHUNK)
        : Math.min(limit, CHUNK);

  const matches = (object: CrosswayObject): boolean =>
    (options.namespace === undefined || object.metadata.namespace === options.namespace) &&
    (options.labelSelector === undefined ||
      matchesLabelSelector(options.labelSelector, object.metadata.labels));

  const items: CrosswayObject[] = [];
  let revision = position.revision;
  let start = position.start;
  for (;;) {
    const page = await readPage(
      backend,
      { start, end: range.end },
      revision,
      chunk,
      position.revision !== undefined,
    );
    revision = page.revision;
    const statuses = await statusesOf(backend, layout, page.entries, revision);
    for (const entry of page.entries) {
      if (limit > 0 && items.length === limit) {
        return { items, revision, continue: continueAt(layout, revision, entry.key) };
      }
      const object = decodeObject(entry.value, entry.key);
      if (matches(object))
        items.push(present(object, entry.modRevision, statuses.get(layout.statusKeyOf(entry.key))));
    }
    const last = page.entries.at(-1);
    if (!page.more || last === undefined) return { items, revision };
    start = `${last.key}\0`;
    if (limit > 0 && items.length === limit)
      return { items, revision, continue: continueAt(layout, revision, start) };
  }
}

function continueAt(layout: KeyLayout, revision: number, key: string): string {
  return encodeContinue({ revision, nextKey: key.slice(layout.objects.length) });
}

async function readPage(
  backend: KvBackend,
  range: KeyRange,
  revision: number | undefined,
  limit: number,
  fromToken: boolean,
): Promise<{ revision: number; entries: KvEntry[]; more: boolean }> {
  try {
    return await backend.range(range, revision === undefined ? { limit } : { revision, limit });
  } catch (error) {
    // A token naming a future revision was not issued by this store.
    if (fromToken && isStoreError(error, 'InvalidArgument')) {
      throw new StoreError(
        'InvalidContinue',
        'the continue token names a revision this store has not reached',
        {
          cause: error,
        },
      );
    }
    if (isStoreError(error, 'Compacted') && fromToken) {
      throw new StoreError(
        'Compacted',
        `the list's revision ${revision} has been compacted: start the list again`,
        {
          cause: error,
        },
      );
    }
    throw error;
  }
}
