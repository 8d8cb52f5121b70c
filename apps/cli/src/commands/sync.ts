// crossway sync: keep the store equal to a directory of a git branch, as one owner
// (see sync/syncer.ts for a round), and crossway sync status: what every sync last did.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { SyncStatus } from '@crossway/client';
import { CliError, EXIT } from '../exit-codes';
import { durationFlag } from '../flag-values';
import { age, checkFormat, render, table } from '../output';
import { limitNumber } from '../prune-safety';
import type { RunContext } from '../run-context';
import { GitSource } from '../sync/git-source';
import { syncLogOf } from '../sync/sync-log';
import { exitCodeOfRound, Syncer, type DriftMode } from '../sync/syncer';

export interface SyncFlags {
  repo: string;
  branch: string;
  path: string;
  owner: string;
  interval: string;
  maxBackoff: string;
  drift: string;
  once?: boolean;
  workdir?: string;
  force?: boolean;
  takeOwnership?: boolean;
  pruneLimit: string;
  prunePercent: string;
  verbose?: boolean;
}

/** A local repository path made absolute; anything else (a URL) as given. */
function repoOf(repo: string, cwd: string): string {
  const local = resolve(cwd, repo);
  return !/^[a-z][a-z0-9+.-]*:\/\//i.test(repo) && !/^[^/]+@[^/]+:/.test(repo) && existsSync(local)
    ? local
    : repo;
}

/** The private clone's home: one per owner and source, under the user's cache directory. */
function defaultWorkdir(
  env: Record<string, string | undefined>,
  owner: string,
  repo: string,
): string {
  const cache = env['XDG_CACHE_HOME'] ?? join(env['HOME'] ?? '.', '.cache');
  const tag = createHash('sha256').update(repo).digest('hex').slice(0, 12);
  return join(cache, 'crossway', 'sync', `${owner}-${tag}`);
}

export async function syncCommand(
  ctx: RunContext,
  flags: SyncFlags,
  signal: AbortSignal | undefined,
): Promise<number> {
  const { out } = ctx;
  if (flags.drift !== 'repair' && flags.drift !== 'report')
    throw new CliError('--drift must be repair or report', EXIT.usage);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(flags.owner))
    throw new CliError('--owner must be letters, digits, ".", "_" or "-" (at most 63)', EXIT.usage);
  const intervalMs = durationFlag(flags.interval, '--interval');
  const maxBackoffMs = durationFlag(flags.maxBackoff, '--max-backoff');
  const repo = repoOf(flags.repo, out.cwd);
  const workdir =
    flags.workdir === undefined
      ? defaultWorkdir(out.env, flags.owner, repo)
      : resolve(out.cwd, flags.workdir);
  const log = syncLogOf(out, { owner: flags.owner }, Boolean(flags.verbose));
  const syncer = new Syncer({
    client: ctx.client(),
    source: new GitSource({ repo, branch: flags.branch, workdir }),
    repo,
    branch: flags.branch,
    path: flags.path,
    owner: flags.owner,
    intervalMs,
    maxBackoffMs,
    drift: flags.drift as DriftMode,
    limits: {
      limit: limitNumber(flags.pruneLimit, '--prune-limit'),
      percent: limitNumber(flags.prunePercent, '--prune-percent'),
      force: Boolean(flags.force),
    },
    takeOwnership: Boolean(flags.takeOwnership),
    instance: `${hostname()}:${process.pid}`,
    log,
  });
  if (flags.once) {
    await syncer.resume();
    return exitCodeOfRound(await syncer.round());
  }
  log.info(
    { repo, branch: flags.branch, path: flags.path, interval: flags.interval, drift: flags.drift },
    'sync started',
  );
  await syncer.runUntil(signal ?? new AbortController().signal);
  log.info({}, 'sync stopped');
  return EXIT.ok;
}

function short(commit: string | undefined): string {
  return commit === undefined ? '' : commit.slice(0, 12);
}

export function syncsTable(items: SyncStatus[]): string {
  return table(
    ['OWNER', 'PHASE', 'APPLIED', 'HEAD', 'SYNCED', 'FAILURES', 'SOURCE', 'MESSAGE'],
    items.map((s) => [
      s.owner,
      s.phase,
      short(s.appliedCommit),
      short(s.headCommit),
      s.lastSyncedAt === undefined ? '' : age(s.lastSyncedAt),
      String(s.consecutiveFailures),
      `${s.repo}@${s.branch}:${s.path}`,
      s.error
        ? `${s.error.reason}: ${s.error.message.split('\n')[0] ?? ''}`
        : s.phase === 'Drifted'
          ? `${s.drift?.objects.length ?? 0} objects drifted`
          : '',
    ]),
  );
}

export async function syncStatusCommand(
  ctx: RunContext,
  owner: string | undefined,
  flags: { output: string },
): Promise<number> {
  const format = checkFormat(flags.output);
  const client = ctx.client();
  const items = owner === undefined ? await client.listSyncs() : [await client.getSync(owner)];
  if (format === 'json' || format === 'yaml') {
    ctx.out.out(render(format, owner === undefined ? { items } : items[0]));
    return EXIT.ok;
  }
  if (items.length === 0) {
    ctx.out.err('no syncs have reported');
    return EXIT.ok;
  }
  ctx.out.out(syncsTable(items));
  return EXIT.ok;
}
