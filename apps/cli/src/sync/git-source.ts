// The git side of `crossway sync`: a private clone of the repository (never the
// user's working tree) that is fetched with the git CLI and checked out at one
// exact commit before anything is read, so a sync always reads a whole, committed tree.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A git command that failed: the command and git's own message. */
export class GitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GitError';
  }
}

export interface GitSourceOptions {
  /** What to clone: a URL or a local path. */
  repo: string;
  branch: string;
  /** Where the private clone lives. */
  workdir: string;
  /** Per git command. */
  timeoutMs?: number;
}

export class GitSource {
  private readonly timeoutMs: number;

  constructor(private readonly options: GitSourceOptions) {
    this.timeoutMs = options.timeoutMs ?? 120_000;
  }

  get workdir(): string {
    return this.options.workdir;
  }

  private async git(args: string[], cwd?: string): Promise<string> {
    try {
      const { stdout } = await run('git', args, {
        cwd: cwd ?? this.options.workdir,
        timeout: this.timeoutMs,
        maxBuffer: 16 * 1024 * 1024,
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
      });
      return stdout.trim();
    } catch (error) {
      const e = error as { stderr?: string; message: string; killed?: boolean };
      const detail = e.killed
        ? `timed out after ${this.timeoutMs} ms`
        : (e.stderr?.trim().split('\n').slice(-3).join(' ') ?? '') || e.message;
      throw new GitError(`git ${args[0] ?? ''} failed: ${detail}`);
    }
  }

  /** Clones when there is no usable clone yet (or it points elsewhere). */
  private async ensureClone(): Promise<void> {
    const { repo, branch, workdir } = this.options;
    if (existsSync(`${workdir}/.git`)) {
      const origin = await this.git(['remote', 'get-url', 'origin']).catch(() => '');
      if (origin === repo) return;
      rmSync(workdir, { recursive: true, force: true });
    }
    mkdirSync(dirname(workdir), { recursive: true });
    rmSync(workdir, { recursive: true, force: true });
    await this.git(
      ['clone', '--quiet', '--no-checkout', '--single-branch', '--branch', branch, repo, workdir],
      dirname(workdir),
    );
  }

  /** Fetches the branch and answers the commit at its tip. */
  async fetch(): Promise<string> {
    await this.ensureClone();
    const { branch } = this.options;
    const ref = `refs/remotes/origin/${branch}`;
    await this.git(['fetch', '--quiet', '--prune', 'origin', `+refs/heads/${branch}:${ref}`]);
    return this.git(['rev-parse', '--verify', `${ref}^{commit}`]);
  }

  /** Makes the clone's files exactly those of the commit (nothing left from other commits). */
  async checkout(commit: string): Promise<void> {
    await this.git(['checkout', '--quiet', '--force', '--detach', commit]);
    await this.git(['clean', '-ffdxq']);
  }

  /** The commit's subject line, for status and logs. */
  async subject(commit: string): Promise<string> {
    return this.git(['log', '-1', '--format=%s', commit]);
  }
}
