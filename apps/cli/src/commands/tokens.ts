// token create|list|delete: API and data-plane tokens (the secret is printed once, on stdout only).
import { CliError, EXIT } from '../exit-codes';
import { table } from '../output';
import type { RunContext } from '../run-context';

export interface TokenCreateFlags {
  type: string;
  role: string;
  namespace?: string[];
  gateway?: string;
  service?: string;
  ttl?: string;
  output: string;
}

export async function tokenCreateCommand(
  ctx: RunContext,
  flags: TokenCreateFlags,
): Promise<number> {
  if (flags.type !== 'api' && flags.type !== 'dataplane')
    throw new CliError('--type must be api or dataplane', EXIT.usage);
  const answer = await ctx.client().createToken({
    type: flags.type,
    role: flags.role,
    ...(flags.namespace === undefined ? {} : { namespaces: flags.namespace }),
    ...(flags.gateway === undefined ? {} : { gateway: flags.gateway }),
    ...(flags.service === undefined ? {} : { service: flags.service }),
    ...(flags.ttl === undefined ? {} : { ttl: flags.ttl }),
  });
  if (flags.output === 'json') ctx.out.out(JSON.stringify(answer, null, 2));
  else {
    ctx.out.out(answer.token);
    ctx.out.err(`token ${answer.id} expires ${answer.expiresAt}`);
  }
  return EXIT.ok;
}

export async function tokenListCommand(ctx: RunContext): Promise<number> {
  const items = await ctx.client().listTokens();
  const rows = items.map((t) => [
    String(t['id'] ?? ''),
    String(t['type'] ?? ''),
    String(t['role'] ?? ''),
    String(t['expiresAt'] ?? ''),
  ]);
  ctx.out.out(table(['ID', 'TYPE', 'ROLE', 'EXPIRES'], rows));
  return EXIT.ok;
}

export async function tokenDeleteCommand(ctx: RunContext, id: string): Promise<number> {
  await ctx.client().deleteToken(id);
  ctx.out.out(`token ${id} revoked`);
  return EXIT.ok;
}
