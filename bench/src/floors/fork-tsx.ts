// Forks a TypeScript file of this repo as a child process running under tsx (the way
// the benchmark's data-plane processes run), with an IPC channel and the repo's
// path aliases (tsconfig.base.json).
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const TSCONFIG = fileURLToPath(new URL('../../../tsconfig.base.json', import.meta.url));

export function forkTsx(file: URL, args: string[] = []): ChildProcess {
  const loader = pathToFileURL(require.resolve('tsx')).href;
  return fork(fileURLToPath(file), args, {
    execArgv: ['--import', loader],
    env: { ...process.env, TSX_TSCONFIG_PATH: TSCONFIG },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}
