// Where the CLI finds its server and token: flags, then CROSSWAY_SERVER/CROSSWAY_TOKEN,
// then the current context of the config file (~/.crossway/config.yaml or $CROSSWAY_CONFIG).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { CliError, EXIT } from './exit-codes';

export const DEFAULT_SERVER = 'http://127.0.0.1:8080';

export interface ContextEntry {
  name: string;
  server: string;
  token?: string;
}

export interface ConfigFile {
  'current-context'?: string;
  contexts: ContextEntry[];
}

export function configPath(env: Record<string, string | undefined>): string {
  return env['CROSSWAY_CONFIG'] ?? join(env['HOME'] ?? homedir(), '.crossway', 'config.yaml');
}

export function readConfig(path: string): ConfigFile {
  if (!existsSync(path)) return { contexts: [] };
  const parsed = parse(readFileSync(path, 'utf8')) as unknown;
  if (typeof parsed !== 'object' || parsed === null) return { contexts: [] };
  const raw = parsed as Record<string, unknown>;
  const contexts = Array.isArray(raw['contexts']) ? (raw['contexts'] as ContextEntry[]) : [];
  const current = raw['current-context'];
  return {
    contexts: contexts.filter((c) => typeof c?.name === 'string' && typeof c.server === 'string'),
    ...(typeof current === 'string' ? { 'current-context': current } : {}),
  };
}

export function writeConfig(path: string, config: ConfigFile): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, stringify(config), { mode: 0o600 });
}

export interface Connection {
  server: string;
  token?: string;
}

export function resolveConnection(
  flags: { server?: string; token?: string; context?: string },
  env: Record<string, string | undefined>,
): Connection {
  const config = readConfig(configPath(env));
  const contextName = flags.context ?? config['current-context'];
  let context: ContextEntry | undefined;
  if (contextName !== undefined) {
    context = config.contexts.find((c) => c.name === contextName);
    if (!context && flags.context !== undefined)
      throw new CliError(`no context "${flags.context}" in ${configPath(env)}`, EXIT.usage);
  }
  // An explicit --context beats the environment; the current context does not.
  const chosen = flags.context !== undefined ? context : undefined;
  const server =
    flags.server ?? chosen?.server ?? env['CROSSWAY_SERVER'] ?? context?.server ?? DEFAULT_SERVER;
  const token = flags.token ?? chosen?.token ?? env['CROSSWAY_TOKEN'] ?? context?.token;
  return { server, ...(token === undefined ? {} : { token }) };
}
