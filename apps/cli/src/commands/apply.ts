// apply -f and diff -f: load and validate manifests, plan with a server-side dry run,
// enforce the prune safety limits, then apply all-or-nothing.
import { readFileSync } from 'node:fs';
import type { ApplyAnswer, ApplyResult } from '@crossway/client';
import { CliError, EXIT } from '../exit-codes';
import { paint, type Out } from '../io';
import { loadManifests } from '../manifests';
import { progressOf } from '../progress';
import { judgePrune, limitNumber } from '../prune-safety';
import type { RunContext } from '../run-context';

export interface ApplyFlags {
  filename: string[];
  prune?: boolean;
  owner?: string;
  dryRun?: boolean;
  diff?: boolean;
  force?: boolean;
  takeOwnership?: boolean;
  pruneLimit: string;
  prunePercent: string;
}

/** The text of stdin when a path is "-": the run's stdin stream, else file descriptor 0. */
async function readStdin(out: Out, paths: string[]): Promise<string | undefined> {
  if (!paths.includes('-')) return undefined;
  if (!out.stdin) return readFileSync(0, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of out.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

function label(r: ApplyResult): string {
  const kind = r.kind.toLowerCase();
  return r.namespace ? `${kind}/${r.namespace}/${r.name}` : `${kind}/${r.name}`;
}

function printDiff(out: Out, r: ApplyResult): void {
  for (const d of r.diff ?? []) {
    const from = d.from === undefined ? '' : ` ${JSON.stringify(d.from)}`;
    const to = d.to === undefined ? '' : ` ${JSON.stringify(d.to)}`;
    const sign = d.op === 'remove' ? '-' : d.op === 'add' ? '+' : '~';
    out.out(`    ${sign} ${d.path}:${from}${from && to ? ' ->' : ''}${to}`);
  }
}

function printResults(out: Out, answer: ApplyAnswer, dryRun: boolean, withDiff: boolean): void {
  const counts: Record<string, number> = {};
  for (const r of answer.results) {
    counts[r.action] = (counts[r.action] ?? 0) + 1;
    const colour = r.action === 'pruned' ? 'red' : r.action === 'unchanged' ? 'bold' : 'green';
    out.out(`${label(r)} ${paint(out, colour, r.action)}${dryRun ? ' (dry run)' : ''}`);
    if (withDiff) printDiff(out, r);
  }
  const summary = ['created', 'configured', 'unchanged', 'pruned']
    .map((a) => `${counts[a] ?? 0} ${a}`)
    .join(', ');
  out.err(`${dryRun ? 'dry run: ' : ''}${summary}`);
}

export async function applyCommand(ctx: RunContext, flags: ApplyFlags): Promise<number> {
  const { out } = ctx;
  if (flags.prune && !flags.owner)
    throw new CliError(
      '--prune needs --owner: prune only ever deletes one owner’s objects',
      EXIT.usage,
    );
  const limit = limitNumber(flags.pruneLimit, '--prune-limit');
  const percent = limitNumber(flags.prunePercent, '--prune-percent');
  const stdin = await readStdin(out, flags.filename);
  const progress = progressOf(out);
  const loaded = loadManifests(flags.filename, {
    cwd: out.cwd,
    stamp: true,
    ...(flags.owner === undefined ? {} : { owner: flags.owner }),
    ...(stdin === undefined ? {} : { stdin }),
    onProgress: (done, total) => progress.count('reading files', done, total),
  });
  progress.clear();
  const objects = loaded.map((l) => l.object);
  const client = ctx.client();
  const options = {
    ...(flags.prune ? { prune: true } : {}),
    ...(flags.owner === undefined ? {} : { owner: flags.owner }),
    ...(flags.takeOwnership ? { takeOwnership: true } : {}),
  };

  if (flags.prune && flags.owner) {
    const planned = progress.spin(`planning ${objects.length} objects`);
    const plan = await client.apply(objects, { ...options, dryRun: true }).finally(planned);
    const verdict = await judgePrune(client, plan, flags.owner, {
      limit,
      percent,
      force: Boolean(flags.force),
    });
    if (verdict.refused) {
      out.err(
        paint(out, 'red', 'refused:') +
          ` apply would prune ${verdict.pruned.length} of ${verdict.owned} objects owned by "${flags.owner}" (${verdict.share.toFixed(0)}%),` +
          ` over --prune-limit ${limit} and --prune-percent ${percent}. Check the files, or use --force.`,
      );
      for (const r of verdict.pruned) out.err(`  would prune ${label(r)}`);
      return EXIT.pruneRefused;
    }
    if (flags.dryRun) {
      printResults(out, plan, true, Boolean(flags.diff));
      return EXIT.ok;
    }
  }
  const applied = progress.spin(`applying ${objects.length} objects`);
  const answer = await client
    .apply(objects, {
      ...options,
      ...(flags.dryRun ? { dryRun: true } : {}),
      ...(flags.diff ? { diff: true } : {}),
    })
    .finally(applied);
  printResults(out, answer, Boolean(flags.dryRun), Boolean(flags.diff));
  return EXIT.ok;
}

export async function diffCommand(
  ctx: RunContext,
  flags: { filename: string[]; owner?: string },
): Promise<number> {
  const { out } = ctx;
  const stdin = await readStdin(out, flags.filename);
  const loaded = loadManifests(flags.filename, {
    cwd: out.cwd,
    stamp: true,
    ...(flags.owner === undefined ? {} : { owner: flags.owner }),
    ...(stdin === undefined ? {} : { stdin }),
  });
  const answer = await ctx.client().apply(
    loaded.map((l) => l.object),
    { dryRun: true, diff: true, ...(flags.owner === undefined ? {} : { owner: flags.owner }) },
  );
  let changed = false;
  for (const r of answer.results) {
    if (r.action === 'unchanged') continue;
    changed = true;
    out.out(`${label(r)} ${r.action}`);
    printDiff(out, r);
  }
  if (!changed) out.err('no differences');
  return changed ? EXIT.differences : EXIT.ok;
}
