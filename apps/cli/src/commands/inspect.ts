// explain, preview, proxies and config <proxy-id>: what the data planes get and run.
import type { PreviewQuery, ProxyInfo } from '@crossway/client';
import { CliError, EXIT } from '../exit-codes';
import { paint } from '../io';
import { checkFormat, render, table, age } from '../output';
import type { RunContext } from '../run-context';

export interface ExplainFlags {
  gateway?: string;
  source?: string;
  role?: string;
  host: string;
  port?: string;
  path: string;
  method?: string;
  header?: string[];
  output: string;
}

export async function explainCommand(ctx: RunContext, flags: ExplainFlags): Promise<number> {
  if ((flags.gateway === undefined) === (flags.source === undefined))
    throw new CliError(
      'explain needs exactly one of --gateway ns/name or --source ns/name',
      EXIT.usage,
    );
  const headers: Record<string, string> = {};
  for (const h of flags.header ?? []) {
    const colon = h.indexOf(':');
    if (colon <= 0) throw new CliError(`--header "${h}" must be "name: value"`, EXIT.usage);
    headers[h.slice(0, colon).trim().toLowerCase()] = h.slice(colon + 1).trim();
  }
  const request = {
    ...(flags.gateway === undefined ? {} : { gateway: flags.gateway }),
    ...(flags.source === undefined ? {} : { source: flags.source }),
    ...(flags.role === undefined ? {} : { role: flags.role }),
    host: flags.host,
    path: flags.path,
    ...(flags.port === undefined ? {} : { port: Number(flags.port) }),
    ...(flags.method === undefined ? {} : { method: flags.method }),
    ...(Object.keys(headers).length === 0 ? {} : { headers }),
  };
  const answer = await ctx.client().explain(request);
  const format = checkFormat(flags.output);
  if (format === 'json' || format === 'yaml') {
    ctx.out.out(render(format, answer));
    return EXIT.ok;
  }
  const ref = (r: unknown): string => {
    const o = r as { kind?: string; namespace?: string; name?: string } | undefined;
    return o ? `${o.kind ?? ''}/${o.namespace ? `${o.namespace}/` : ''}${o.name ?? ''}` : '';
  };
  const matched = answer['matched'] as { route?: unknown; rule?: number } | null;
  const { out } = ctx;
  out.out(
    `Route:     ${matched ? `${ref(matched.route)} rule ${matched.rule ?? ''}` : '<no route matches>'}`,
  );
  for (const b of (answer['beaten'] as { route?: unknown; rule?: number }[] | undefined) ?? [])
    out.out(`Beaten:    ${ref(b.route)} rule ${b.rule ?? ''}`);
  const response = answer['response'] as { status?: number } | undefined;
  if (response?.status !== undefined) out.out(`Response:  ${response.status}`);
  for (const p of (answer['policies'] as { fields?: unknown }[] | undefined) ?? [])
    out.out(`Policy:    ${ref(p)} ${JSON.stringify(p.fields ?? [])}`);
  const authz = answer['authorization'] as { verdict?: string; reason?: string } | undefined;
  if (authz)
    out.out(`Authz:     ${authz.verdict ?? ''}${authz.reason ? ` (${authz.reason})` : ''}`);
  for (const b of (answer['backends'] as
    { service?: string; port?: number; weight?: number }[] | undefined) ?? [])
    out.out(`Backend:   ${b.service ?? ''}:${b.port ?? ''} weight ${b.weight ?? ''}`);
  const envoy = answer['envoy'] as Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(envoy ?? {}))
    out.out(`Envoy:     ${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return EXIT.ok;
}

export async function previewCommand(
  ctx: RunContext,
  flags: { role: string; gateway?: string; service?: string; workload?: string; output: string },
): Promise<number> {
  if (flags.role !== 'edge' && flags.role !== 'sidecar' && flags.role !== 'proxyless')
    throw new CliError('--role must be edge, sidecar or proxyless', EXIT.usage);
  const query: PreviewQuery = {
    role: flags.role,
    ...(flags.gateway === undefined ? {} : { gateway: flags.gateway }),
    ...(flags.service === undefined ? {} : { service: flags.service }),
    ...(flags.workload === undefined ? {} : { workload: flags.workload }),
  };
  const answer = await ctx.client().preview(query);
  const format = checkFormat(flags.output);
  if (format === 'json' || format === 'yaml') {
    ctx.out.out(render(format, answer));
    return EXIT.ok;
  }
  const resources = (answer['resources'] ?? {}) as Record<string, { name?: string }[]>;
  const versions = (answer['versions'] ?? {}) as Record<string, string>;
  const rows: string[][] = [];
  for (const [type, list] of Object.entries(resources))
    for (const r of list) rows.push([type, r.name ?? '', versions[type] ?? '']);
  ctx.out.out(rows.length === 0 ? 'no resources' : table(['TYPE', 'NAME', 'VERSION'], rows));
  const problems = (answer['problems'] ?? []) as unknown[];
  for (const p of problems)
    ctx.out.err(`problem: ${typeof p === 'string' ? p : JSON.stringify(p)}`);
  return EXIT.ok;
}

/** synced (every type ACKed at the version sent), stale (some sent not ACKed yet) or NACKed. */
export function syncState(p: ProxyInfo): string {
  if (p.nack) return 'NACKed';
  const types = Object.keys(p.sent);
  return types.every((t) => (p.versions[t] ?? '') === (p.sent[t] ?? '')) ? 'synced' : 'stale';
}

export async function proxiesCommand(ctx: RunContext, flags: { output: string }): Promise<number> {
  const proxies = await ctx.client().proxies();
  const format = checkFormat(flags.output);
  if (format === 'json' || format === 'yaml') {
    ctx.out.out(render(format, { items: proxies }));
    return EXIT.ok;
  }
  if (proxies.length === 0) {
    ctx.out.err('No proxies connected.');
    return EXIT.ok;
  }
  const rows = proxies.map((p) => {
    const state = syncState(p);
    const colour = state === 'synced' ? 'green' : state === 'stale' ? 'yellow' : 'red';
    return [
      p.id,
      p.role,
      p.gateway ?? p.service ?? '',
      paint(ctx.out, colour, state),
      age(p.connectedAt),
      p.nack ? `${p.nack.type}: ${p.nack.error}` : '',
    ];
  });
  ctx.out.out(table(['ID', 'ROLE', 'TARGET', 'SYNC', 'AGE', 'ERROR'], rows));
  return EXIT.ok;
}

export async function proxyConfigCommand(
  ctx: RunContext,
  id: string,
  flags: { output: string },
): Promise<number> {
  const config = await ctx.client().proxyConfig(id);
  const format = checkFormat(flags.output);
  ctx.out.out(render(format === 'json' ? 'json' : 'yaml', config));
  return EXIT.ok;
}
