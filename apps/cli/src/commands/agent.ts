// crossway agent: keeps a proxyless gRPC workload's certificate, key and trust bundle
// on disk, where the gRPC xDS bootstrap's file_watcher certificate providers read them
// (see agent/agent.ts). Authenticates with the workload's data-plane token (--token).
import { resolve } from 'node:path';
import { CertificateAgent } from '../agent/agent';
import { agentPaths } from '../agent/paths';
import { CliError, EXIT } from '../exit-codes';
import { durationFlag } from '../flag-values';
import type { RunContext } from '../run-context';
import { syncLogOf } from '../sync/sync-log';

export interface AgentFlags {
  dir: string;
  once?: boolean;
  renewFraction: string;
  bundleInterval: string;
  maxBackoff: string;
  verbose?: boolean;
}

function fractionFlag(value: string): number {
  const fraction = Number(value);
  if (!(fraction > 0 && fraction < 1))
    throw new CliError('--renew-fraction must be a number between 0 and 1, like 0.5', EXIT.usage);
  return fraction;
}

export async function agentCommand(
  ctx: RunContext,
  flags: AgentFlags,
  signal: AbortSignal | undefined,
): Promise<number> {
  const paths = agentPaths(resolve(ctx.out.cwd, flags.dir));
  const agent = new CertificateAgent({
    client: ctx.client(),
    paths,
    renewFraction: fractionFlag(flags.renewFraction),
    bundleIntervalMs: durationFlag(flags.bundleInterval, '--bundle-interval'),
    retryMs: 1_000,
    maxBackoffMs: durationFlag(flags.maxBackoff, '--max-backoff'),
    log: syncLogOf(ctx.out, { component: 'crossway-agent' }, Boolean(flags.verbose)),
  });
  if (flags.once) {
    await agent.renew();
    return EXIT.ok;
  }
  await agent.runUntil(signal ?? new AbortController().signal);
  return EXIT.ok;
}
