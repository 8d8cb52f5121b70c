// One `crossway sync` process: each round fetches the branch, reads the tree of its
// tip (the whole tree parsed and validated before anything is sent), plans it with a
// server-side dry run, and applies it with prune as the owner. When the tip is the
// commit already applied, the plan's differences are drift (objects the repository
// owns changed through the API), repaired or only reported. Every round records its
// outcome as the owner's sync status in the API (GET /api/v1/syncs/{owner}).
import { join } from 'node:path';
import {
  CrosswayApiError,
  type ApplyAnswer,
  type ApplyResult,
  type CrosswayClient,
  type SyncStatus,
} from '@crossway/client';
import { CliError, EXIT } from '../exit-codes';
import { loadManifests } from '../manifests';
import { judgePrune, refusalMessage, type PruneLimits } from '../prune-safety';
import { nextDelayMs, sleep } from './backoff';
import { GitError, type GitSource } from './git-source';
import type { SyncLog } from './sync-log';

export type DriftMode = 'repair' | 'report';

export interface SyncerOptions {
  client: CrosswayClient;
  source: GitSource;
  /** As given on the command line (recorded in the status). */
  repo: string;
  branch: string;
  /** Directory inside the repository ('.' for all of it). */
  path: string;
  owner: string;
  intervalMs: number;
  maxBackoffMs: number;
  drift: DriftMode;
  limits: PruneLimits;
  takeOwnership: boolean;
  instance: string;
  log: SyncLog;
  now?: () => Date;
}

/** Why a round failed; also the status's error.reason. */
export type FailureReason =
  | 'GitFailed'
  | 'InvalidManifests'
  | 'PruneRefused'
  | 'OwnershipConflict'
  | 'ApplyRejected'
  | 'Unreachable';

export type RoundOutcome =
  | { outcome: 'applied'; commit: string; counts: Counts }
  | { outcome: 'unchanged'; commit: string }
  | { outcome: 'drift-repaired'; commit: string; drift: DriftObject[] }
  | { outcome: 'drift-reported'; commit: string; drift: DriftObject[] }
  | { outcome: 'failed'; reason: FailureReason; message: string; commit?: string };

type Counts = NonNullable<SyncStatus['result']>;
type DriftObject = NonNullable<SyncStatus['drift']>['objects'][number];

/** The exit code of `sync --once` for a round's outcome. */
export function exitCodeOfRound(round: RoundOutcome): number {
  if (round.outcome === 'drift-reported') return EXIT.differences;
  if (round.outcome !== 'failed') return EXIT.ok;
  if (round.reason === 'PruneRefused') return EXIT.pruneRefused;
  if (round.reason === 'Unreachable') return EXIT.unreachable;
  return EXIT.error;
}

class RoundFailure extends Error {
  constructor(
    readonly reason: FailureReason,
    message: string,
  ) {
    super(message);
  }
}

function countsOf(answer: ApplyAnswer): Counts {
  const counts: Counts = { created: 0, configured: 0, unchanged: 0, pruned: 0 };
  for (const r of answer.results) counts[r.action] += 1;
  return counts;
}

/** A plan's difference seen from the repository: what happened to the store's copy. */
function driftOf(r: ApplyResult): DriftObject {
  const change = r.action === 'created' ? 'deleted' : r.action === 'pruned' ? 'added' : 'modified';
  return {
    kind: r.kind,
    ...(r.namespace === undefined ? {} : { namespace: r.namespace }),
    name: r.name,
    change,
  };
}

/** At most `bytes` bytes of UTF-8, cut at a character boundary. */
export function truncateUtf8(text: string, bytes: number): string {
  if (Buffer.byteLength(text) <= bytes) return text;
  let cut = Buffer.from(text)
    .subarray(0, bytes - 3)
    .toString('utf8');
  if (cut.endsWith('\uFFFD')) cut = cut.slice(0, -1);
  return `${cut}...`;
}

export function labelOf(o: { kind: string; namespace?: string; name: string }): string {
  return `${o.kind}/${o.namespace === undefined ? '' : `${o.namespace}/`}${o.name}`;
}

export class Syncer {
  private status: SyncStatus;
  /** The last commit read whole and valid, with its objects. */
  private parsed: { commit: string; objects: Record<string, unknown>[] } | undefined;
  /** The last commit that could not be read, with why. */
  private unreadable: { commit: string; message: string } | undefined;
  private readonly now: () => Date;

  constructor(private readonly options: SyncerOptions) {
    this.now = options.now ?? (() => new Date());
    this.status = {
      owner: options.owner,
      repo: options.repo,
      branch: options.branch,
      path: options.path,
      instance: options.instance,
      phase: 'Syncing',
      lastAttemptAt: this.now().toISOString(),
      consecutiveFailures: 0,
    };
  }

  /** The status as the last round left it. */
  get current(): SyncStatus {
    return this.status;
  }

  /** Picks up the applied commit, failure count and drift a previous sync process recorded. */
  async resume(): Promise<void> {
    try {
      const previous = await this.options.client.getSync(this.options.owner);
      const sameSource =
        previous.repo === this.options.repo &&
        previous.branch === this.options.branch &&
        previous.path === this.options.path;
      this.status = {
        ...this.status,
        ...(sameSource && previous.appliedCommit !== undefined
          ? { appliedCommit: previous.appliedCommit }
          : {}),
        ...(sameSource ? { consecutiveFailures: previous.consecutiveFailures } : {}),
        ...(previous.lastSyncedAt === undefined ? {} : { lastSyncedAt: previous.lastSyncedAt }),
        ...(previous.drift === undefined ? {} : { drift: previous.drift }),
      };
      if (!sameSource)
        this.options.log.warn(
          { previous: { repo: previous.repo, branch: previous.branch, path: previous.path } },
          'this owner was last synced from another source; its objects will be replaced',
        );
    } catch (error) {
      if (error instanceof CrosswayApiError && error.status === 404) return;
      this.options.log.warn({ err: (error as Error).message }, 'cannot read the previous status');
    }
  }

  /** Runs rounds until the signal aborts, waiting the interval or the back-off between them. */
  async runUntil(signal: AbortSignal): Promise<void> {
    await this.resume();
    while (!signal.aborted) {
      await this.round();
      if (signal.aborted) break;
      const next = Date.parse(this.status.nextAttemptAt ?? '') - this.now().getTime();
      await sleep(Number.isFinite(next) ? Math.max(0, next) : this.options.intervalMs, signal);
    }
  }

  /** One round; never throws: failures are in the outcome and the status. */
  async round(): Promise<RoundOutcome> {
    const { log } = this.options;
    const started = this.now();
    this.status = { ...this.status, lastAttemptAt: started.toISOString() };
    let outcome: RoundOutcome;
    try {
      outcome = await this.attempt();
    } catch (error) {
      outcome = this.failure(error);
    }
    this.record(outcome);
    const took = this.now().getTime() - started.getTime();
    if (outcome.outcome === 'failed')
      log.error(
        {
          reason: outcome.reason,
          commit: outcome.commit,
          ms: took,
          retryAt: this.status.nextAttemptAt,
        },
        outcome.message,
      );
    else if (outcome.outcome === 'applied')
      log.info({ commit: outcome.commit, ...outcome.counts, ms: took }, 'applied');
    else if (outcome.outcome === 'unchanged')
      log.debug({ commit: outcome.commit, ms: took }, 'in sync');
    else
      log.warn(
        { commit: outcome.commit, objects: outcome.drift.map(labelOf), ms: took },
        outcome.outcome === 'drift-repaired' ? 'drift repaired' : 'drift found (not repaired)',
      );
    await this.publish();
    return outcome;
  }

  private async attempt(): Promise<RoundOutcome> {
    const { client, owner, takeOwnership } = this.options;
    const head = await this.options.source.fetch();
    this.status = { ...this.status, headCommit: head };
    const objects = await this.objectsAt(head);
    const applyOptions = { prune: true, owner, ...(takeOwnership ? { takeOwnership: true } : {}) };
    const plan = await client.apply(objects, { ...applyOptions, dryRun: true });
    const differences = plan.results.filter((r) => r.action !== 'unchanged');
    const newCommit = head !== this.status.appliedCommit;
    if (differences.length === 0) {
      return newCommit
        ? { outcome: 'applied', commit: head, counts: countsOf(plan) }
        : { outcome: 'unchanged', commit: head };
    }
    const drift = newCommit ? undefined : differences.map(driftOf);
    if (drift !== undefined && this.options.drift === 'report')
      return { outcome: 'drift-reported', commit: head, drift };
    const verdict = await judgePrune(client, plan, owner, this.options.limits);
    if (verdict.refused)
      throw new RoundFailure(
        'PruneRefused',
        `${refusalMessage(verdict, owner, this.options.limits)} Would prune: ${verdict.pruned
          .slice(0, 20)
          .map(labelOf)
          .join(', ')}${verdict.pruned.length > 20 ? ', ...' : ''}`,
      );
    this.options.log.info({ commit: head, objects: objects.length }, 'applying');
    const answer = await client.apply(objects, applyOptions);
    return drift === undefined
      ? { outcome: 'applied', commit: head, counts: countsOf(answer) }
      : { outcome: 'drift-repaired', commit: head, drift };
  }

  /** The objects of the tree at a commit, read once per commit; throws when any file is bad. */
  private async objectsAt(commit: string): Promise<Record<string, unknown>[]> {
    if (this.parsed?.commit === commit) return this.parsed.objects;
    if (this.unreadable?.commit === commit)
      throw new RoundFailure('InvalidManifests', this.unreadable.message);
    const { source, path, owner, log } = this.options;
    await source.checkout(commit);
    let lastLogged = 0;
    try {
      const loaded = loadManifests([join(source.workdir, path)], {
        cwd: source.workdir,
        stamp: true,
        owner,
        onProgress: (done, total) => {
          const t = Date.now();
          if (done === total || t - lastLogged >= 1000) {
            lastLogged = t;
            log.info({ commit, files: done, total }, 'reading files');
          }
        },
      });
      this.parsed = { commit, objects: loaded.map((l) => l.object) };
      this.unreadable = undefined;
      return this.parsed.objects;
    } catch (error) {
      const message =
        error instanceof CliError || (error as NodeJS.ErrnoException).code === 'ENOENT'
          ? (error as Error).message
          : `cannot read the tree: ${(error as Error).message}`;
      this.unreadable = { commit, message };
      throw new RoundFailure('InvalidManifests', message);
    }
  }

  private failure(error: unknown): RoundOutcome & { outcome: 'failed' } {
    const commit = this.status.headCommit;
    const withCommit = commit === undefined ? {} : { commit };
    if (error instanceof RoundFailure)
      return { outcome: 'failed', reason: error.reason, message: error.message, ...withCommit };
    if (error instanceof GitError)
      return { outcome: 'failed', reason: 'GitFailed', message: error.message };
    if (error instanceof CrosswayApiError) {
      const reason: FailureReason =
        error.status === 409 && error.errors.some((e) => / is owned by "/.test(e.message))
          ? 'OwnershipConflict'
          : error.status === 503
            ? 'Unreachable'
            : 'ApplyRejected';
      return { outcome: 'failed', reason, message: error.message, ...withCommit };
    }
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return {
      outcome: 'failed',
      reason: 'Unreachable',
      message: `cannot reach the Crossway server: ${cause ?? (error as Error).message}`,
      ...withCommit,
    };
  }

  /** Folds a round's outcome into the status. */
  private record(outcome: RoundOutcome): void {
    const at = this.now().toISOString();
    const { error: _error, ...rest } = this.status;
    if (outcome.outcome === 'failed') {
      const failures = this.status.consecutiveFailures + 1;
      this.status = {
        ...this.status,
        phase: 'Failed',
        consecutiveFailures: failures,
        error: {
          reason: outcome.reason,
          message: truncateUtf8(outcome.message, 8000),
          ...(outcome.commit === undefined ? {} : { commit: outcome.commit }),
          at,
        },
        nextAttemptAt: this.nextAttempt(failures),
      };
      return;
    }
    const base: SyncStatus = {
      ...rest,
      consecutiveFailures: 0,
      appliedCommit: outcome.commit,
      nextAttemptAt: this.nextAttempt(0),
    };
    if (outcome.outcome === 'drift-reported') {
      this.status = {
        ...base,
        phase: 'Drifted',
        drift: {
          detectedAt: this.status.phase === 'Drifted' ? (this.status.drift?.detectedAt ?? at) : at,
          repaired: false,
          objects: outcome.drift.slice(0, 1000),
        },
      };
      return;
    }
    this.status = {
      ...base,
      phase: 'Synced',
      ...(outcome.outcome === 'unchanged' && this.status.phase === 'Synced'
        ? {}
        : { lastSyncedAt: at }),
      ...(outcome.outcome === 'applied' ? { result: outcome.counts } : {}),
      ...(outcome.outcome === 'drift-repaired'
        ? { drift: { detectedAt: at, repaired: true, objects: outcome.drift.slice(0, 1000) } }
        : {}),
    };
  }

  private nextAttempt(failures: number): string {
    const { intervalMs, maxBackoffMs } = this.options;
    return new Date(
      this.now().getTime() + nextDelayMs(intervalMs, failures, maxBackoffMs),
    ).toISOString();
  }

  /** Writes the status to the API; a failure to do so is logged, never fatal. */
  private async publish(): Promise<void> {
    try {
      await this.options.client.putSync(this.status);
    } catch (error) {
      this.options.log.warn({ err: (error as Error).message }, 'cannot record the sync status');
    }
  }
}
