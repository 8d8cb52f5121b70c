// List, then watch from the listed revision; when the watch dies (compaction,
// cancellation) list again, hand over the whole new state, and watch on. This is
// what platform-facts.md prescribes for etcd, and what the control plane builds on.
// While an apply marker is open (a write too large for one transaction is under way)
// the informer holds changes back, so its consumer only ever sees whole applies.
// A store restored from an older backup goes back in revision: the watch notices on
// reconnect (etcd-watch.ts), and a periodic check of the store's revision against the
// one handed over catches what a watch cannot see; either way the informer re-lists
// and tells onSync, since equal resourceVersions no longer mean equal content.
import type { CrosswayObject, KindName } from '@crossway/model';
import { isStoreError, revisionRegressed, StoreError } from './errors';
import type { ApplyMarkerChange, Store, Watch, WatchEvent } from './types';

export interface SyncContext {
  /**
   * The store's revision went back since the last sync (restored from an older backup):
   * an object with a resourceVersion seen before may now hold other content.
   */
  revisionWentBack: boolean;
}

export interface InformerHandlers {
  /** The complete state at `revision`: first at start, again after every re-list. Replace, do not merge. */
  onSync(items: CrosswayObject[], revision: number, context: SyncContext): void;
  /** Changes after the last sync, in revision order (a chunked write's in one call). */
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
  /**
   * Default true: while an apply marker is open, hold changes back and hand them over
   * in one onEvents batch, in revision order, once no marker is open (closed, or
   * expired because its writer died). A list that finds a marker open is not handed
   * to onSync: the informer lists again once the marker has closed.
   */
  waitForApplyMarkers?: boolean;
  /**
   * How often the store's revision is compared with the one handed over; lower means
   * the store went back (restored from a backup) and the informer re-lists. 0: never.
   * Default 5000 ms.
   */
  revisionCheckMs?: number;
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
  const honourMarkers = options.waitForApplyMarkers ?? true;
  const revisionCheckMs = options.revisionCheckMs ?? 5000;
  let closed = false;
  /** A regression was seen and no sync has been handed over since. */
  let wentBack = false;
  let checking = false;
  /** Markers open now, as this generation's list and watch have shown them. */
  let open = new Set<string>();
  /** Changes held back while a marker is open. */
  let held: WatchEvent[] = [];
  /** The last list found a marker open: list again once it closes. */
  let listAgain = false;
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
        const markers = honourMarkers ? await store.openApplyMarkers({ revision }) : [];
        if (closed || mine !== generation) return;
        open = new Set(markers.map((m) => m.id));
        held = [];
        listAgain = open.size > 0;
        if (!listAgain) {
          seen = revision;
          const context = { revisionWentBack: wentBack };
          wentBack = false;
          handlers.onSync(items, revision, context);
          markSynced();
        }
        watch = store.watch(
          revision,
          (events) => deliver(mine, events),
          (error) => restart(mine, error),
          honourMarkers ? { onApplyMarker: (change) => marker(mine, change) } : {},
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
    if (closed || mine !== generation || listAgain) return;
    const relevant = events.filter((e) => wanted(e.object));
    if (open.size > 0) {
      held.push(...relevant);
      return;
    }
    const last = events.at(-1);
    if (last !== undefined) seen = last.revision;
    if (relevant.length > 0) handlers.onEvents(relevant);
  }

  function marker(mine: number, change: ApplyMarkerChange): void {
    if (closed || mine !== generation) return;
    if (change.type === 'OPENED') {
      open.add(change.marker.id);
      return;
    }
    if (!open.delete(change.id) || open.size > 0) return;
    if (listAgain) {
      void relist();
      return;
    }
    const batch = held;
    held = [];
    seen = change.revision;
    if (batch.length > 0) handlers.onEvents(batch);
  }

  function restart(mine: number, error: StoreError): void {
    if (closed || mine !== generation) return;
    if (error.regression !== undefined) wentBack = true;
    handlers.onError?.(error);
    void relist();
  }

  /** Re-lists when the store is behind what was handed over (it went back). */
  async function checkRevision(): Promise<void> {
    const mine = generation;
    const handedOver = seen;
    if (checking || watch === undefined || handedOver === 0) return;
    checking = true;
    try {
      const current = await store.revision();
      if (current < handedOver) restart(mine, revisionRegressed(handedOver, current));
    } catch {
      // Unreachable: the watch reports that, and the next check runs again.
    } finally {
      checking = false;
    }
  }
  const checker =
    revisionCheckMs > 0 ? setInterval(() => void checkRevision(), revisionCheckMs) : undefined;
  checker?.unref();

  void relist();
  return {
    synced,
    revision: () => seen,
    close: async () => {
      closed = true;
      generation++;
      if (checker !== undefined) clearInterval(checker);
      markSynced();
      const current = watch;
      watch = undefined;
      await current?.close();
    },
  };
}
