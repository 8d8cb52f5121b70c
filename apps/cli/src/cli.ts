// The crossway command line: run(argv, io) parses argv with commander, runs one command
// and answers its exit code (see exit-codes.ts); it never calls process.exit, so tests
// run it in-process. main.ts wires it to the real process.
import { Command, CommanderError, Option } from 'commander';
import { CrosswayApiError, UnknownKindError } from '@crossway/client';
import { DEFAULT_AGENT_DIR } from './agent/paths';
import { agentCommand, type AgentFlags } from './commands/agent';
import { applyCommand, diffCommand, type ApplyFlags } from './commands/apply';
import { currentContextCommand, getContextsCommand, useContextCommand } from './commands/contexts';
import {
  explainCommand,
  previewCommand,
  proxiesCommand,
  proxyConfigCommand,
  type ExplainFlags,
} from './commands/inspect';
import { caRootsCommand, caRotateCommand } from './commands/ca';
import { syncCommand, syncStatusCommand, type SyncFlags } from './commands/sync';
import { deleteCommand, describeCommand, getCommand, type GetFlags } from './commands/objects';
import {
  tokenCreateCommand,
  tokenDeleteCommand,
  tokenListCommand,
  type TokenCreateFlags,
} from './commands/tokens';
import { CliError, EXIT } from './exit-codes';
import { outOf, paint, type CliIo } from './io';
import { makeContext, type GlobalFlags } from './run-context';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function exitCodeOf(error: unknown): number {
  if (error instanceof CliError) return error.exitCode;
  if (error instanceof UnknownKindError) return EXIT.usage;
  if (error instanceof CrosswayApiError) return error.status === 404 ? EXIT.notFound : EXIT.error;
  return EXIT.unreachable;
}

function messageOf(error: unknown, server: string): string {
  if (
    error instanceof CliError ||
    error instanceof CrosswayApiError ||
    error instanceof UnknownKindError
  )
    return error.message;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message ?? (error as Error).message;
  return `cannot reach the Crossway server at ${server}: ${detail}`;
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  const out = outOf(io);
  const program = new Command('crossway');
  const globals = (): GlobalFlags => program.opts<GlobalFlags>();
  const ctx = makeContext(out, globals);
  let code: number = EXIT.ok;
  const act =
    <A extends unknown[]>(fn: (...args: A) => Promise<number> | number) =>
    async (...args: A): Promise<void> => {
      code = await fn(...args);
    };

  program
    .description('Crossway control plane command line')
    .option('--server <url>', 'API server (env CROSSWAY_SERVER, default http://127.0.0.1:8080)')
    .option('--token <token>', 'API token (env CROSSWAY_TOKEN)')
    .option('--context <name>', 'context of the config file (env CROSSWAY_CONFIG)')
    .exitOverride()
    .showHelpAfterError()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  const output = (): Option =>
    new Option('-o, --output <format>', 'table, wide, yaml or json').default('table');

  const applyOptions = (c: Command): Command =>
    c
      .requiredOption(
        '-f, --filename <path>',
        'file, directory or - for stdin (repeatable)',
        collect,
      )
      .option('--owner <id>', 'stamp and own the objects (crossway.dev/owner)');

  /** The prune safety and ownership flags of apply and sync. */
  const pruneSafetyOptions = (c: Command): Command =>
    c
      .option('--force', 'prune even over the safety limits')
      .option('--take-ownership', 'take over objects another owner applied')
      .option('--prune-limit <n>', 'refuse to prune more than this many objects...', '5')
      .option(
        '--prune-percent <p>',
        '...that are also more than this % of the owner’s objects',
        '20',
      );

  pruneSafetyOptions(
    applyOptions(program.command('apply').description('create or update objects from files'))
      .option('--prune', 'delete the owner’s objects that are not in the files (needs --owner)')
      .option('--dry-run', 'plan only; write nothing')
      .option('--diff', 'show what changes per object'),
  ).action(act((flags: ApplyFlags) => applyCommand(ctx, flags)));

  applyOptions(
    program
      .command('diff')
      .description('show what apply would change (exit 6 when anything would)'),
  ).action(act((flags: { filename: string[]; owner?: string }) => diffCommand(ctx, flags)));

  program
    .command('get <kind> [name]')
    .description('list objects of a kind, or show one')
    .option('-n, --namespace <ns>', 'namespace (default "default")')
    .option('-A, --all-namespaces', 'every namespace')
    .option('-l, --selector <selector>', 'label selector, e.g. app=web,tier!=db')
    .addOption(output())
    .action(
      act((kind: string, name: string | undefined, flags: GetFlags) =>
        getCommand(ctx, kind, name, flags),
      ),
    );

  program
    .command('describe <kind> <name>')
    .description('an object with its status, attached policies and affected proxies')
    .option('-n, --namespace <ns>', 'namespace (default "default")')
    .action(
      act((kind: string, name: string, flags: { namespace?: string }) =>
        describeCommand(ctx, kind, name, flags),
      ),
    );

  program
    .command('delete [kind] [name]')
    .description('delete an object, or the objects of files')
    .option('-n, --namespace <ns>', 'namespace (default "default")')
    .option('-f, --filename <path>', 'file or directory (repeatable)', collect)
    .action(
      act(
        (
          kind: string | undefined,
          name: string | undefined,
          flags: { namespace?: string; filename?: string[] },
        ) => deleteCommand(ctx, kind, name, flags),
      ),
    );

  program
    .command('explain')
    .description('how one request is routed, authorized and balanced')
    .option('--gateway <ns/name>', 'enter through this Gateway (edge)')
    .option('--source <ns/name>', 'leave this Service (mesh caller)')
    .option('--role <role>', 'the caller’s data plane: sidecar or proxyless')
    .requiredOption('--host <host>', 'Host / authority')
    .option('--port <port>', 'port')
    .option('--path <path>', 'request path', '/')
    .option('--method <method>', 'HTTP method')
    .option('-H, --header <header>', '"name: value" (repeatable)', collect)
    .addOption(output())
    .action(act((flags: ExplainFlags) => explainCommand(ctx, flags)));

  program
    .command('preview')
    .description('the xDS resources a data plane of a role would get now')
    .requiredOption('--role <role>', 'edge, sidecar or proxyless')
    .option('--gateway <ns/name>', 'Gateway (edge)')
    .option('--service <ns/name>', 'Service (sidecar, proxyless)')
    .option('--workload <name>', 'Workload of the Service (sidecar)')
    .addOption(output())
    .action(
      act(
        (flags: {
          role: string;
          gateway?: string;
          service?: string;
          workload?: string;
          output: string;
        }) => previewCommand(ctx, flags),
      ),
    );

  program
    .command('proxies')
    .description('connected data planes and their sync state')
    .addOption(output())
    .action(act((flags: { output: string }) => proxiesCommand(ctx, flags)));

  program
    .command('config <proxy-id|use-context|get-contexts|current-context> [name]')
    .description(
      'a proxy’s config now (config <proxy-id>), or the config file’s contexts (use-context <name>, get-contexts, current-context)',
    )
    .addOption(new Option('-o, --output <format>', 'yaml or json').default('yaml'))
    .action(
      act((first: string, name: string | undefined, flags: { output: string }) => {
        if (first === 'use-context') {
          if (name === undefined) throw new CliError('use-context needs a name', EXIT.usage);
          return useContextCommand(ctx, name);
        }
        if (first === 'get-contexts') return getContextsCommand(ctx);
        if (first === 'current-context') return currentContextCommand(ctx);
        return proxyConfigCommand(ctx, first, flags);
      }),
    );

  const sync = program
    .command('sync')
    .description('keep the store equal to a directory of a git branch, as one owner')
    .option('--repo <url|path>', 'git repository to clone and pull')
    .option('--branch <name>', 'branch to follow', 'main')
    .option('--path <dir>', 'directory of the repository to apply', '.')
    .option('--owner <id>', 'owner id stamped on the objects; prune is limited to it')
    .option('--interval <duration>', 'time between rounds', '30s')
    .option('--max-backoff <duration>', 'longest wait after repeated failures', '5m')
    .option('--drift <mode>', 'repair or report objects changed outside git', 'repair')
    .option('--once', 'run one round and exit with its result')
    .option('--workdir <dir>', 'where the private clone lives (default under ~/.cache/crossway)')
    .option('-v, --verbose', 'log every round, also when nothing changed');
  pruneSafetyOptions(sync).action(
    act((flags: Partial<SyncFlags>) => {
      if (flags.repo === undefined || flags.owner === undefined)
        throw new CliError('sync needs --repo and --owner', EXIT.usage);
      return syncCommand(ctx, flags as SyncFlags, io.signal);
    }),
  );
  sync
    .command('status [owner]')
    .description('what each sync last did: phase, applied commit, errors, drift')
    .addOption(output())
    .action(
      act((owner: string | undefined, flags: { output: string }) =>
        syncStatusCommand(ctx, owner, flags),
      ),
    );

  program
    .command('agent')
    .description(
      'keep this workload’s certificate, key and trust bundle on disk for proxyless gRPC (--token: its data-plane token)',
    )
    .option(
      '--dir <dir>',
      'where identity/cert.pem, identity/key.pem and roots/ca.pem go',
      DEFAULT_AGENT_DIR,
    )
    .option('--once', 'get one certificate, write the files and exit')
    .option('--renew-fraction <f>', 'renew after this fraction of the certificate lifetime', '0.5')
    .option('--bundle-interval <duration>', 'how often the trust bundle is fetched', '1m')
    .option('--max-backoff <duration>', 'longest wait after repeated failures', '5m')
    .option('-v, --verbose', 'log more')
    .action(act((flags: AgentFlags) => agentCommand(ctx, flags, io.signal)));

  const ca = program.command('ca').description('the mesh certificate authority');
  ca.command('roots')
    .description('the trust bundle: the signing root and any retiring ones')
    .addOption(output())
    .action(act((flags: { output: string }) => caRootsCommand(ctx, flags)));
  ca.command('rotate')
    .description('admins: a new root signs from now on; the old one stays trusted for --overlap')
    .option(
      '--overlap <duration>',
      'how long the old root stays trusted (default 2 x Mesh certTTL)',
    )
    .addOption(output())
    .action(act((flags: { overlap?: string; output: string }) => caRotateCommand(ctx, flags)));

  const token = program.command('token').description('API and data-plane tokens');
  token
    .command('create')
    .description('issue a token; the secret is printed once on stdout')
    .option('--type <type>', 'api or dataplane', 'api')
    .requiredOption('--role <role>', 'admin|editor|viewer, or edge|sidecar|proxyless')
    .option('--namespace <ns>', 'limit an editor to a namespace (repeatable)', collect)
    .option('--gateway <ns/name>', 'edge token target')
    .option('--service <ns/name>', 'sidecar/proxyless token target')
    .option('--ttl <duration>', 'lifetime, e.g. 1h (default 24h)')
    .option('-o, --output <format>', 'text or json', 'text')
    .action(act((flags: TokenCreateFlags) => tokenCreateCommand(ctx, flags)));
  token
    .command('list')
    .description('tokens without their secrets')
    .action(act(() => tokenListCommand(ctx)));
  token
    .command('delete <id>')
    .description('revoke a token')
    .action(act((id: string) => tokenDeleteCommand(ctx, id)));

  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.exitCode === 0
      )
        return EXIT.ok;
      return EXIT.usage;
    }
    let server = '';
    try {
      server = makeContext(out, globals).client().server;
    } catch {
      // The connection itself is what failed.
    }
    out.err(`${paint(out, 'red', 'error:')} ${messageOf(error, server)}`);
    return exitCodeOf(error);
  }
}
