// config use-context|get-contexts|current-context: named servers in the config file.
import { configPath, readConfig, writeConfig } from '../context';
import { CliError, EXIT } from '../exit-codes';
import { table } from '../output';
import type { RunContext } from '../run-context';

export function useContextCommand(ctx: RunContext, name: string): number {
  const path = configPath(ctx.out.env);
  const config = readConfig(path);
  if (!config.contexts.some((c) => c.name === name))
    throw new CliError(`no context "${name}" in ${path}`, EXIT.notFound);
  writeConfig(path, { ...config, 'current-context': name });
  ctx.out.out(`Switched to context "${name}".`);
  return EXIT.ok;
}

export function getContextsCommand(ctx: RunContext): number {
  const config = readConfig(configPath(ctx.out.env));
  const rows = config.contexts.map((c) => [
    c.name === config['current-context'] ? '*' : '',
    c.name,
    c.server,
  ]);
  ctx.out.out(table(['CURRENT', 'NAME', 'SERVER'], rows));
  return EXIT.ok;
}

export function currentContextCommand(ctx: RunContext): number {
  const current = readConfig(configPath(ctx.out.env))['current-context'];
  if (current === undefined) throw new CliError('no current-context set', EXIT.notFound);
  ctx.out.out(current);
  return EXIT.ok;
}
