// The SnapshotSource: store -> validated objects -> resolved policy -> one snapshot
// per group of proxies with the same config. Changes from the informer (whole
// applies only) are debounced (debounceMs, never delayed more than maxDelayMs), the
// policy is resolved once per batch, and every watched group is rebuilt; a group
// whose content did not change keeps its snapshot object and is not notified.
//
// Decisions:
// - A build with consistency problems (or that throws) keeps the group's previous
//   snapshot; a group that never had a good snapshot gets none: its streams wait
//   rather than get an inconsistent first config.
// - A target that does not exist (Gateway or Service not found) keeps the previous
//   snapshot too (logged); with none, the streams wait until it exists.
// - Store errors never reach here as an empty state: the informer retries and
//   re-lists, so the last snapshots stay served meanwhile.
// - Groups are keyed by every node input (group-key.ts), but one build is shared by
//   groups that differ only in locality unless a TrafficPolicy uses localityFailover.
// - Which groups a batch rebuilds (affected-groups.ts): Workload and route changes
//   only the groups whose scope they touch; any other change rebuilds every watched
//   group (about 8 ms per distinct sidecar group). Unchanged resources keep their
//   encoded entries either way.
// - A batch of Workload changes only is an endpoint patch (endpoint-patch.ts): the
//   changed Services' endpoints are re-resolved alone (withServiceEndpoints), and
//   each affected edge or sidecar group gets only its ClusterLoadAssignments for
//   them rebuilt; the Workloads' own sidecars and proxyless groups are rebuilt
//   whole. Such a batch waits endpointDebounceMs (10 ms), not debounceMs. Statuses
//   are not part of a patch: policy listeners get a whole resolution at most every
//   policyRefreshMs afterwards.
// - A new group (its first proxy connects) is built asynchronously, in slices of
//   about 20 ms between which I/O runs, so a restart's connect storm keeps the
//   event loop responsive; its proxies get their first snapshot when it is built.
// - The entry pool is swept once it has grown by half since the last sweep, not
//   every round (listing every group's entries costs more than a small change).
// - With an identity layer (options.identity), a group whose certificate is still
//   being issued waits (keeps its previous snapshot, or gets none yet); when a
//   certificate is issued or renewed, or the trust bundle changes, the groups
//   serving it are rebuilt at once (no debounce) from the same resolved policy.
// - Every affected group is rebuilt before any watcher is notified, so a round's
//   build and its sends are separate phases (and the change trace can time both).
// - With onChangeTrace, each debounced round reports its store revision and the times
//   of its phases (change-rounds.ts); without it nothing is timed or counted.
import type { ValidatedObject } from '@crossway/model';
import type { ResolvedPolicy } from '@crossway/policy';
import { resolvePolicy, withServiceEndpoints } from '@crossway/policy';
import { startInformer, type Informer, type Store } from '@crossway/store';
import { carryOverUpstreams, type SecretObject } from '@crossway/xds';
import type { Logger } from 'pino';
import type { ProxyNode, ProxySnapshot, PushDelivery, SnapshotSource } from '../contracts';
import {
  emptyScope,
  groupAffected,
  groupScope,
  widenScope,
  type ChangeScope,
  type GroupScope,
} from './affected-groups';
import type { IdentityChange, IdentitySecretSource } from '../identity/index';
import { buildOutcome, type Outcome } from './group-outcome';
import { epochNow, startChangeRound, type ChangeRound, type ChangeTrace } from './change-rounds';
import { needsFullBuild, patchEndpoints } from './endpoint-patch';
import { EntryPool } from './entry-pool';
import { groupKey } from './group-key';
import type { IdentityUse } from './identity-secrets';
import { ObjectCache } from './object-cache';
import { SlicedQueue } from './sliced-queue';
import type { BuiltProxySnapshot } from './proxy-snapshot';

export interface SnapshotSourceOptions {
  store: Store;
  logger: Logger;
  /** Quiet time after a change before rebuilding. Default 100 ms. */
  debounceMs?: number;
  /**
   * Quiet time when every change waiting is a Workload change (endpoints are patched,
   * which is cheap). Default 10 ms.
   */
  endpointDebounceMs?: number;
  /**
   * After endpoint patches, the whole policy (statuses included) is resolved again for
   * policy listeners at most this often. Default 1000 ms.
   */
  policyRefreshMs?: number;
  /** A change is never held back longer than this. Default 1000 ms. */
  maxDelayMs?: number;
  /** Called after every rebuild of the watched groups (for metrics). */
  onBuild?: (build: SnapshotBuildInfo) => void;
  /** Serves crossway-identity and crossway-roots (without it they are named, never served). */
  identity?: IdentitySecretSource;
  /** Change tracing: called once per round, after its last stream's response was written. */
  onChangeTrace?: (trace: ChangeTrace) => void;
}

export interface SnapshotBuildInfo {
  durationSeconds: number;
  /** Groups rebuilt. */
  groups: number;
  /** Groups whose snapshot changed. */
  changed: number;
}

/** The resolved policy of the last successful build and the objects it was resolved from. */
export interface ResolvedPolicyView {
  resolved: ResolvedPolicy;
  objects: readonly ValidatedObject[];
}

export interface ControlPlaneSnapshotSource extends SnapshotSource {
  /** Starts the informer; resolves after the first full build. */
  start(): Promise<void>;
  close(): Promise<void>;
  /** The snapshot the node's group serves now, if any. */
  current(node: ProxyNode): ProxySnapshot | undefined;
  /** The policy behind the current snapshots (undefined before the first build). */
  policy(): ResolvedPolicyView | undefined;
  /** Calls `listener` after every build that resolved the policy anew; returns an unsubscribe. */
  onPolicy(listener: (view: ResolvedPolicyView) => void): () => void;
  /** The SPIFFE IDs whose certificates the current groups serve. */
  identitiesInUse(): Set<string>;
  /**
   * The objects the snapshots are built from (kind, namespace, name, resourceVersion;
   * sorted) and the store revision they reflect: /debug/objects, to compare with a
   * fresh read of the store.
   */
  objectsDigest(): { revision: number; objects: ReturnType<ObjectCache['digest']> };
  /** Counters for logs and tests. */
  stats(): {
    rebuilds: number;
    groups: number;
    encodes: number;
    pooledEntries: number;
    /** Groups whose endpoints were patched rather than rebuilt (Workload-only batches). */
    endpointPatches: number;
  };
}

type WorkloadScope = Extract<ChangeScope, { all: false }>;

/** How long new groups are built before yielding to I/O (sliced-queue.ts). */
const JOIN_SLICE_MS = 20;

interface Watcher {
  listener: (snapshot: ProxySnapshot, delivery?: PushDelivery) => void;
  last: ProxySnapshot | undefined;
}

interface Group {
  key: string;
  /** The first watcher's node: every node of the group builds the same. */
  node: ProxyNode;
  watchers: Set<Watcher>;
  current: BuiltProxySnapshot | undefined;
  /** What its config depended on at its last build (affected-groups.ts). */
  scope: GroupScope | undefined;
  /** The last problem logged, so a broken policy is logged once, not per rebuild. */
  lastProblem: string | undefined;
  /** The mesh identity secrets its last build served or waited for. */
  identity: IdentityUse | undefined;
}

export function createSnapshotSource(options: SnapshotSourceOptions): ControlPlaneSnapshotSource {
  const { store, logger } = options;
  const debounceMs = options.debounceMs ?? 100;
  const endpointDebounceMs = Math.min(options.endpointDebounceMs ?? 10, debounceMs);
  const policyRefreshMs = options.policyRefreshMs ?? 1000;
  let refreshTimer: NodeJS.Timeout | undefined;
  const maxDelayMs = options.maxDelayMs ?? 1000;
  const cache = new ObjectCache(logger);
  const pool = new EntryPool();
  const groups = new Map<string, Group>();
  let informer: Informer | undefined;
  let isReady = false;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  /** When the oldest change not yet built was seen. */
  let pendingSince: number | undefined;
  /** What the changes not yet built can affect. */
  let pendingScope: ChangeScope = { all: true };
  let resolved: ResolvedPolicy | undefined;
  let secrets: SecretObject[] = [];
  let policyView: ResolvedPolicyView | undefined;
  const policyListeners = new Set<(view: ResolvedPolicyView) => void>();
  let lastChangeSeenAt = Date.now();
  let rebuilds = 0;
  let endpointPatches = 0;
  const onChangeTrace = options.onChangeTrace;
  /** Tracing only: the newest revision not yet built and when it reached the informer. */
  let traceRevision = 0;
  let traceReceivedAt = 0;

  function deliver(watcher: Watcher, snapshot: ProxySnapshot, round?: ChangeRound): void {
    if (watcher.last === snapshot) return;
    watcher.last = snapshot;
    const delivery = round?.delivery();
    try {
      watcher.listener(snapshot, delivery);
    } catch (error) {
      delivery?.done();
      logger.error({ err: error }, 'snapshot listener failed');
    }
  }

  /** Notifies the group's watchers of its current snapshot. */
  function publish(group: Group, round?: ChangeRound): void {
    const snapshot = group.current;
    if (snapshot === undefined) return;
    for (const watcher of group.watchers) deliver(watcher, snapshot, round);
  }

  function logOnce(group: Group, problem: string, details: Record<string, unknown>): void {
    if (group.lastProblem === problem) return;
    group.lastProblem = problem;
    logger.warn({ group: group.key, ...details }, problem);
  }

  /**
   * Builds of the current resolved policy by effective key: groups that differ only in
   * locality share one build (and one snapshot object) unless locality failover is used.
   */
  let builds = new Map<string, Outcome>();
  let usesLocality = false;

  function outcomeFor(node: ProxyNode, changeSeenAt: number): Outcome {
    const key = groupKey(node, usesLocality);
    const known = builds.get(key);
    if (known) return known;
    const outcome = buildOutcome(
      { resolved: resolved as ResolvedPolicy, node, secrets, pool, changeSeenAt, logger, key },
      options.identity,
    );
    builds.set(key, outcome);
    return outcome;
  }

  /** Rebuilds one group; true when its snapshot changed (its watchers are not notified yet). */
  function rebuild(group: Group, changeSeenAt: number): boolean {
    if (!resolved) return false;
    group.scope = groupScope(resolved, group.node);
    const outcome = outcomeFor(group.node, changeSeenAt);
    group.identity = outcome.identity;
    if (!outcome.ok) {
      const keeping = group.current ? 'keeping the previous snapshot' : 'no snapshot served yet';
      if (outcome.pending) logger.debug({ group: group.key, ...outcome.details }, outcome.problem);
      else logOnce(group, `${outcome.problem}: ${keeping}`, outcome.details);
      return false;
    }
    group.lastProblem = undefined;
    if (group.current?.fingerprint === outcome.snapshot.fingerprint) return false;
    group.current = outcome.snapshot;
    return true;
  }

  /** Per round: endpoint patches by effective key and previous snapshot. */
  let patches = new Map<string, BuiltProxySnapshot | undefined>();

  /**
   * Patches one group's endpoints (a Workload-only batch); falls back to a full
   * rebuild when the patch cannot be made. True when its snapshot changed.
   */
  function patch(group: Group, scope: WorkloadScope, changeSeenAt: number): boolean {
    const current = group.current;
    if (!resolved || !current) return rebuild(group, changeSeenAt);
    const key = `${groupKey(group.node, usesLocality)}\u0000${current.fingerprint}`;
    let next = patches.get(key);
    if (!patches.has(key)) {
      try {
        next = patchEndpoints(resolved, group.node, current, scope.services, pool, changeSeenAt);
      } catch (error) {
        logger.warn({ group: group.key, err: error }, 'endpoint patch failed: rebuilding');
        next = undefined;
      }
      patches.set(key, next);
    }
    if (!next) return rebuild(group, changeSeenAt);
    endpointPatches++;
    if (next.fingerprint === current.fingerprint) return false;
    group.current = next;
    return true;
  }

  function notifyPolicy(): void {
    for (const listener of policyListeners) {
      try {
        listener(policyView as ResolvedPolicyView);
      } catch (error) {
        logger.error({ err: error }, 'policy listener failed');
      }
    }
  }

  /** How long the last whole resolution took (ms): refreshes are spaced by 10 times it. */
  let lastResolveMs = 0;

  /** The whole policy again, for statuses, after endpoint patches (which skip them). */
  function refreshPolicy(): void {
    refreshTimer = undefined;
    if (closed) return;
    try {
      const objects = cache.validObjects();
      const started = performance.now();
      policyView = { resolved: resolvePolicy(objects), objects };
      lastResolveMs = performance.now() - started;
    } catch (error) {
      logger.error({ err: error }, 'resolving the policy failed');
      return;
    }
    notifyPolicy();
  }

  function rebuildAll(): void {
    timer = undefined;
    const debouncedAt = onChangeTrace === undefined ? 0 : epochNow();
    const changeSeenAt = pendingSince ?? Date.now();
    pendingSince = undefined;
    const scope = pendingScope;
    pendingScope = emptyScope();
    const started = performance.now();
    let patching: WorkloadScope | undefined;
    try {
      const objects = cache.validObjects();
      const patched =
        resolved !== undefined && !scope.all && scope.onlyWorkloads && scope.services.size > 0
          ? withServiceEndpoints(resolved, objects, scope.services)
          : undefined;
      if (patched && resolved && !scope.all) {
        carryOverUpstreams(resolved, patched, scope.services);
        resolved = patched;
        patching = scope;
        // At most ~10% of a core on statuses while Workloads churn (about 1 s to resolve
        // 70,000 objects).
        refreshTimer ??= setTimeout(refreshPolicy, Math.max(policyRefreshMs, 10 * lastResolveMs));
      } else {
        const resolveStarted = performance.now();
        resolved = resolvePolicy(objects);
        lastResolveMs = performance.now() - resolveStarted;
        policyView = { resolved, objects };
        secrets = objects.filter((o): o is ValidatedObject<'Secret'> => o.kind === 'Secret');
        usesLocality = resolved.trafficPolicies.some(
          (p) => p.fields.localityFailover !== undefined,
        );
      }
      builds = new Map();
      patches = new Map();
    } catch (error) {
      logger.error({ err: error }, 'resolving the policy failed: keeping every snapshot');
      return;
    }
    lastChangeSeenAt = changeSeenAt;
    rebuilds++;
    const changed: Group[] = [];
    let rebuilt = 0;
    for (const group of groups.values()) {
      if (!groupAffected(scope, group.node, group.current, group.scope)) continue;
      rebuilt++;
      const changedGroup =
        patching && !needsFullBuild(group.node, patching)
          ? patch(group, patching, changeSeenAt)
          : rebuild(group, changeSeenAt);
      if (changedGroup) changed.push(group);
    }
    pool.sweepWhenGrown(() => [...groups.values()].flatMap((g) => g.current?.allEntries ?? []));
    const durationSeconds = (performance.now() - started) / 1000;
    const round =
      onChangeTrace === undefined
        ? undefined
        : startChangeRound(
            {
              revision: traceRevision,
              receivedAt: traceReceivedAt,
              debouncedAt,
              builtAt: epochNow(),
              groups: changed.length,
            },
            onChangeTrace,
          );
    for (const group of changed) publish(group, round);
    round?.seal();
    logger.debug(
      { groups: rebuilt, of: groups.size, changed: changed.length, durationSeconds },
      'snapshots rebuilt',
    );
    options.onBuild?.({ durationSeconds, groups: rebuilt, changed: changed.length });
    // After this turn of the event loop, so the responses just queued are written first.
    if (!patching) setImmediate(() => closed || notifyPolicy());
  }

  /** New groups waiting for their first build (watch()), built in slices. */
  const joining = new SlicedQueue<Group>(
    (group) => {
      if (groups.get(group.key) !== group || group.current !== undefined || !resolved) return;
      if (rebuild(group, lastChangeSeenAt)) publish(group);
    },
    JOIN_SLICE_MS,
    () =>
      pool.sweepWhenGrown(() => [...groups.values()].flatMap((g) => g.current?.allEntries ?? [])),
  );

  /** Rebuilds, from the current policy, the groups serving what the identity layer changed. */
  function identityChanged(change: IdentityChange): void {
    if (!resolved || closed) return;
    const affected = [...groups.values()].filter(
      (g) =>
        (change.roots && g.identity?.roots === true) ||
        (g.identity?.spiffeId !== undefined && change.identities.has(g.identity.spiffeId)),
    );
    if (affected.length === 0) return;
    for (const group of affected) builds.delete(groupKey(group.node, usesLocality));
    const changeSeenAt = Date.now();
    const changed = affected.filter((group) => rebuild(group, changeSeenAt));
    pool.sweep([...groups.values()].flatMap((g) => g.current?.allEntries ?? []));
    for (const group of changed) publish(group);
    logger.debug(
      {
        groups: affected.length,
        changed: changed.length,
        roots: change.roots,
        identities: [...change.identities],
      },
      'snapshots rebuilt for an identity change',
    );
  }
  const stopIdentity = options.identity?.onChange(identityChanged);

  function changeSeen(): void {
    const now = Date.now();
    pendingSince ??= now;
    if (!isReady || closed) return; // start() builds everything once synced
    if (timer) clearTimeout(timer);
    const quiet = !pendingScope.all && pendingScope.onlyWorkloads ? endpointDebounceMs : debounceMs;
    const wait = Math.max(0, Math.min(quiet, pendingSince + maxDelayMs - now));
    timer = setTimeout(rebuildAll, wait);
  }

  return {
    async start() {
      informer = startInformer(store, {
        onSync: (items, revision, context) => {
          if (onChangeTrace !== undefined) {
            traceRevision = revision;
            traceReceivedAt = epochNow();
          }
          cache.replace(items, { revisionWentBack: context.revisionWentBack });
          pendingScope = { all: true };
          changeSeen();
        },
        onEvents: (events) => {
          const receivedAt = onChangeTrace === undefined ? 0 : epochNow();
          const changed = cache.apply(events, (kind, before, after) => {
            pendingScope = widenScope(pendingScope, kind, before, after);
          });
          if (!changed) return;
          if (onChangeTrace !== undefined) {
            traceRevision = events.at(-1)?.revision ?? traceRevision;
            traceReceivedAt = receivedAt;
          }
          changeSeen();
        },
        onError: (error) =>
          error.regression === undefined
            ? logger.warn({ code: error.code, err: error.message }, 'store watch failed: retrying')
            : logger.warn(
                { ...error.regression },
                `store revision went back from ${error.regression.from} to ${error.regression.to}: re-listing`,
              ),
      });
      await informer.synced;
      if (closed) return;
      rebuildAll();
      isReady = true;
      logger.info({ groups: groups.size }, 'snapshot source ready');
    },

    async close() {
      closed = true;
      joining.stop();
      stopIdentity?.();
      if (timer) clearTimeout(timer);
      timer = undefined;
      if (refreshTimer) clearTimeout(refreshTimer);
      refreshTimer = undefined;
      await informer?.close();
      groups.clear();
    },

    ready: () => isReady,

    watch(node, listener) {
      const key = groupKey(node);
      let group = groups.get(key);
      if (!group) {
        group = {
          key,
          node,
          watchers: new Set(),
          current: undefined,
          scope: undefined,
          lastProblem: undefined,
          identity: undefined,
        };
        groups.set(key, group);
        if (resolved) {
          joining.add(group);
        }
      }
      const watcher: Watcher = { listener, last: undefined };
      group.watchers.add(watcher);
      const joined = group;
      queueMicrotask(() => {
        if (joined.watchers.has(watcher) && joined.current) deliver(watcher, joined.current);
      });
      return {
        close() {
          joined.watchers.delete(watcher);
          if (joined.watchers.size === 0 && groups.get(key) === joined) groups.delete(key);
        },
      };
    },

    current: (node) => groups.get(groupKey(node))?.current,

    policy: () => policyView,

    identitiesInUse: () =>
      new Set(
        [...groups.values()].flatMap((g) =>
          g.identity?.spiffeId === undefined ? [] : [g.identity.spiffeId],
        ),
      ),

    objectsDigest: () => ({ revision: informer?.revision() ?? 0, objects: cache.digest() }),

    onPolicy(listener) {
      policyListeners.add(listener);
      return () => policyListeners.delete(listener);
    },

    stats: () => ({
      rebuilds,
      groups: groups.size,
      encodes: pool.encodeCount(),
      pooledEntries: pool.size(),
      endpointPatches,
    }),
  };
}
