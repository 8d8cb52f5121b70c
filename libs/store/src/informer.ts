// List, then watch from the listed revision; when the watch dies (compaction,
// cancellation) list again, hand over the whole new state, and watch on. This is
// what platform-facts.md prescribes for etcd, and what the control plane builds on.
import type { CrosswayObject, KindName } from '@crossway/model';
import { isStoreError, StoreError } from './errors';
import type { Store, Watch, WatchEvent } from './types';

export interface InformerHandlers {
  /** The complete state at `revision`: first at start, again after every re-list. Replace, do not merge. */
  onSync(items: CrosswayObject[], revision: number): void;
  /** Changes after the last sync, in revision order. */
  onEvents(events: WatchEvent[]): void;
  /** A failure the informer recovers from by itself (by retrying or re-listing). For logs and metrics. */
  onError?(error: StoreError): void;
}

export interface InformerOptions {
  /** Only this kind (default: every kind). */
  kind?: KindName;
  /** Only this namespace (default: every namespace). */
  namespace?: string;
  /** Items per list page. Default 500. */
  pageSize?: number;
  /** First delay before retrying a failed list; doubles up to maxRetryDelayMs. Default 100 ms. */
  retryDelayMs?: number;
  /** Default 5000 ms. */
  maxRetryDelayMs?: number;
}

export interface Informer {
  /** Resolves after the first onSync (or on close, whichever comes first). */
  readonly synced: Promise<void>;
  /** The revision the handlers have seen everything up to. 0 before the first sync. */
  revision(): number;
  close(): Promise<void>;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function startInformer(
  store: Store,
  handlers: InformerHandlers,
  options: InformerOptions = {},
): Informer {
  const pageSize = options.pageSize ?? 500;
  const firstDelay = options.retryDelayMs ?? 100;
  const maxDelay = options.maxRetryDelayMs ?? 5000;
  let closed = false;
  let generation = 0;
  let seen = 0;
  let watch: Watch | undefined;
  let markSynced: () => void = () => undefined;
  const synced = new Promise<void>((resolve) => (markSynced = resolve));

  const wanted = (object: CrosswayObject): boolean =>
    (options.kind === undefined || object.kind === options.kind) &&
    (options.namespace === undefined || object.metadata.namespace === options.namespace);

  async function listAll(): Promise<{ items: CrosswayObject[]; revision: number }> {
    const items: CrosswayObject[] = [];
    let token: string | undefined;
    for (;;) {
      const page = await store.list({
        limit: pageSize,
        ...(options.kind === undefined ? {} : { kind: options.kind }),
        ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
        ...(token === undefined ? {} : { continue: token }),
      });
      items.push(...page.items);
      if (page.continue === undefined) return { items, revision: page.revision };
      token = page.continue;
    }
  }

  async function relist(): Promise<void> {
    const mine = ++generation;
    const previous = watch;
    watch = undefined;
    await previous?.close();
    let delay = firstDelay;
    while (!closed && mine === generation) {
      try {
        const { items, revision } = await listAll();
        if (closed || mine !== generation) return;
        seen = revision;
        handlers.onSync(items, revision);
        markSynced();
        watch = store.watch(
          revision,
          (events) => deliver(mine, events),
          (error) => restart(mine, error),
        );
        return;
      } catch (error) {
        if (!isStoreError(error)) throw error;
        handlers.onError?.(error);
        // A list whose revision was compacted between pages can start again at once.
        if (error.code !== 'Compacted') {
          await sleep(delay);
          delay = Math.min(delay * 2, maxDelay);
        }
      }
    }
  }

  function deliver(mine: number, events: WatchEvent[]): void {
    if (closed || mine !== generation) return;
    const last = events.at(-1);
    if (last !== undefined) seen = last.revision;
    const relevant = events.filter((e) => wanted(e.object));
    if (relevant.length > 0) handlers.onEvents(relevant);
  }

  function restart(mine: number, error: StoreError): void {
    if (closed || mine !== generation) return;
    handlers.onError?.(error);
    void relist();
  }

  void relist();
  return {
    synced,
    revision: () => seen,
    close: async () => {
      closed = true;
      generation++;
      markSynced();
      const current = watch;
      watch = undefined;
      await current?.close();
    },
  };
}
