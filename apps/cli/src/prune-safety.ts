// The prune safety limits shared by `apply --prune` and `sync`: refuse a plan that
// would delete more than `limit` objects that are also more than `percent` % of the
// owner's objects, unless forced. A wrong path or a half-deleted directory then
// fails loudly instead of emptying the mesh.
import { OWNER_ANNOTATION, KIND_DESCRIPTORS } from '@crossway/model';
import type { ApplyAnswer, ApplyResult, CrosswayClient } from '@crossway/client';
import { CliError, EXIT } from './exit-codes';

export interface PruneLimits {
  limit: number;
  percent: number;
  force: boolean;
}

export interface PruneVerdict {
  refused: boolean;
  pruned: ApplyResult[];
  owned: number;
  /** pruned as a percentage of owned. */
  share: number;
}

/** How many objects the owner has now, across every kind and namespace. */
export async function countOwned(client: CrosswayClient, owner: string): Promise<number> {
  let count = 0;
  for (const d of KIND_DESCRIPTORS) {
    const items = await client.listAll(d.kind, { allNamespaces: true });
    count += items.filter((o) => o.metadata.annotations?.[OWNER_ANNOTATION] === owner).length;
  }
  return count;
}

/** Judges a dry-run plan against the limits (lists the owner's objects only when it prunes). */
export async function judgePrune(
  client: CrosswayClient,
  plan: ApplyAnswer,
  owner: string,
  limits: PruneLimits,
): Promise<PruneVerdict> {
  const pruned = plan.results.filter((r) => r.action === 'pruned');
  if (pruned.length === 0) return { refused: false, pruned, owned: 0, share: 0 };
  const owned = await countOwned(client, owner);
  const share = owned === 0 ? 0 : (pruned.length / owned) * 100;
  const refused = pruned.length > limits.limit && share > limits.percent && !limits.force;
  return { refused, pruned, owned, share };
}

export function refusalMessage(verdict: PruneVerdict, owner: string, limits: PruneLimits): string {
  return (
    `would prune ${verdict.pruned.length} of ${verdict.owned} objects owned by "${owner}" ` +
    `(${verdict.share.toFixed(0)}%), over the prune limit ${limits.limit} and ${limits.percent}%. ` +
    'Check the files, or force it.'
  );
}

export function limitNumber(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new CliError(`${flag} must be a number >= 0`, EXIT.usage);
  return n;
}
