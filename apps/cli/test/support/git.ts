// Real git repositories in temp directories for the sync tests: write files, remove
// files, commit, and read the commit id, all with the git CLI.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tempDir } from './harness';

export interface TestRepo {
  dir: string;
  /** Writes (text) or removes (null) files, commits them, and answers the new commit. */
  commit(message: string, files: Record<string, string | null>): string;
  head(): string;
}

function git(dir: string, args: string[]): string {
  return execFileSync(
    'git',
    ['-c', 'user.name=Crossway Test', '-c', 'user.email=test@crossway.invalid', ...args],
    { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  ).trim();
}

export function createRepo(branch = 'main'): TestRepo {
  const dir = tempDir();
  git(dir, ['init', '--quiet', '--initial-branch', branch]);
  const repo: TestRepo = {
    dir,
    commit(message, files) {
      for (const [path, text] of Object.entries(files)) {
        const full = join(dir, path);
        if (text === null) rmSync(full);
        else {
          mkdirSync(dirname(full), { recursive: true });
          writeFileSync(full, text);
        }
      }
      git(dir, ['add', '--all']);
      git(dir, ['commit', '--quiet', '--allow-empty', '-m', message]);
      return repo.head();
    },
    head: () => git(dir, ['rev-parse', 'HEAD']),
  };
  return repo;
}
