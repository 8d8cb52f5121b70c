// One group's build as the snapshot source keeps it: a served snapshot (with the
// mesh identity it uses), or why there is none (target missing, waiting for a
// certificate, inconsistent, or the build threw), never an exception.
//
// Decisions:
// - A problem inside a Secret may quote its content (a key): its message is hidden.
// - Only the first 10 consistency problems are kept for the log line.
import type { ResolvedPolicy } from '@crossway/policy';
import type { SecretObject } from '@crossway/xds';
import type { Logger } from 'pino';
import type { ProxyNode } from '../contracts';
import type { IdentitySecretSource } from '../identity/index';
import { buildGroup } from './build-group';
import type { EntryPool } from './entry-pool';
import type { IdentityUse } from './identity-secrets';
import { proxySnapshot, type BuiltProxySnapshot } from './proxy-snapshot';

export type Outcome =
  | { ok: true; snapshot: BuiltProxySnapshot; identity: IdentityUse }
  | {
      ok: false;
      problem: string;
      details: Record<string, unknown>;
      /** Waiting for a certificate: normal, logged at debug only. */
      pending?: boolean;
      identity?: IdentityUse;
    };

export interface OutcomeInputs {
  resolved: ResolvedPolicy;
  node: ProxyNode;
  secrets: readonly SecretObject[];
  pool: EntryPool;
  changeSeenAt: number;
  logger: Logger;
  /** The group's effective key, for log lines. */
  key: string;
}

export function buildOutcome(inputs: OutcomeInputs, identity?: IdentitySecretSource): Outcome {
  const { resolved, node, secrets, pool, changeSeenAt, logger, key } = inputs;
  try {
    const built = buildGroup(resolved, node, secrets, identity);
    if (!built.ok)
      return {
        ok: false,
        problem: built.pending ? 'waiting for a certificate' : 'target not found',
        details: { reason: built.reason },
        ...(built.pending ? { pending: true } : {}),
        ...(built.identity ? { identity: built.identity } : {}),
      };
    if (built.snapshot.problems.length > 0)
      return {
        ok: false,
        problem: 'snapshot is inconsistent',
        details: {
          problems: built.snapshot.problems
            .slice(0, 10)
            .map((p) => (p.type === 'secrets' ? { ...p, message: '(not shown: secret)' } : p)),
        },
      };
    if (built.missingSecrets.length > 0)
      logger.warn({ group: key, secrets: built.missingSecrets }, 'referenced secrets not found');
    return {
      ok: true,
      snapshot: proxySnapshot(built.snapshot, pool, changeSeenAt, built.proxylessIr),
      identity: built.identity,
    };
  } catch (error) {
    return { ok: false, problem: 'snapshot build failed', details: { err: error } };
  }
}
