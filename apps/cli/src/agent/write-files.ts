// Atomic file replacement for the agent: each file is written to a temporary file in
// its own directory and renamed over the old one, so a reader (grpc's file_watcher)
// sees the old content or the new, never half of one. A certificate and its key are
// renamed back to back, after both are fully written.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface FileContent {
  path: string;
  text: string;
  /** 0o600 for private keys, 0o644 otherwise. */
  mode: number;
}

async function writeTemp(file: FileContent): Promise<string> {
  await mkdir(dirname(file.path), { recursive: true, mode: 0o755 });
  const temp = join(
    dirname(file.path),
    `.${basename(file.path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  // 'wx': a new file, created with the mode (a key is never readable by others, even briefly).
  await writeFile(temp, file.text, { mode: file.mode, flag: 'wx' });
  await chmod(temp, file.mode);
  return temp;
}

/** Writes every file to a temporary name first, then renames them all into place. */
export async function replaceFiles(files: FileContent[]): Promise<void> {
  const temps: string[] = [];
  try {
    for (const file of files) temps.push(await writeTemp(file));
  } catch (error) {
    await Promise.all(temps.map((temp) => rm(temp, { force: true })));
    throw error;
  }
  await Promise.all(files.map((file, i) => rename(temps[i] ?? '', file.path)));
}
