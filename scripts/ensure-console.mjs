// `npm start` runs this first: builds the console (apps/console, Vite) into
// dist/apps/console when it is missing or older than its sources, so the quick start
// serves /ui without a separate `npm run build`. A build takes a few seconds.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = join(root, 'dist/apps/console/index.html');
const sources = [
  'apps/console/src',
  'apps/console/index.html',
  'apps/console/vite.config.ts',
  'libs/client/src',
  'libs/model/src',
  'package-lock.json',
];

function newest(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

const builtAt = statSync(built, { throwIfNoEntry: false })?.mtimeMs ?? 0;
const changedAt = Math.max(...sources.map((s) => newest(join(root, s))));
if (builtAt >= changedAt) process.exit(0);

const started = Date.now();
process.stderr.write(
  builtAt === 0
    ? 'console: building apps/console into dist/apps/console (first start)...\n'
    : 'console: sources changed since the last build; rebuilding...\n',
);
const { build } = await import('vite');
await build({
  configFile: join(root, 'apps/console/vite.config.ts'),
  logLevel: 'warn',
});
process.stderr.write(`console: built in ${Date.now() - started} ms; served under /ui\n`);
