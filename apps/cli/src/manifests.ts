// Reads manifests for apply/diff/delete -f: files, directories (recursive, sorted;
// *.yaml, *.yml, *.json) or stdin; multi-document YAML and JSON (a list, {items}, or one
// object). Every object is validated client-side and stamped with its owner, source file
// and git commit; any problem in any file fails the whole set before anything is sent.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import {
  OWNER_ANNOTATION,
  SOURCE_COMMIT_ANNOTATION,
  SOURCE_FILE_ANNOTATION,
  validateObject,
} from '@crossway/model';
import { CliError, EXIT } from './exit-codes';

export interface LoadedObject {
  file: string;
  index: number;
  object: Record<string, unknown>;
}

const MANIFEST = /\.(ya?ml|json)$/i;

/** The files a path names: itself, or every manifest below a directory in sorted order. */
export function manifestFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  const found: string[] = [];
  const entries = readdirSync(path, { withFileTypes: true }).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  for (const entry of entries) {
    const full = join(path, entry.name);
    if (entry.isDirectory()) found.push(...manifestFiles(full));
    else if (MANIFEST.test(entry.name)) found.push(full);
  }
  return found;
}

function lineOfJsonError(text: string, message: string): number | undefined {
  const position = /position (\d+)/.exec(message);
  if (position?.[1] !== undefined) return text.slice(0, Number(position[1])).split('\n').length;
  const line = /line (\d+)/.exec(message);
  return line?.[1] === undefined ? undefined : Number(line[1]);
}

/** The documents of one file's text; throws a message naming the file and line on a parse error. */
export function parseManifestText(text: string, file: string): unknown[] {
  const trimmed = text.trimStart();
  if (file.toLowerCase().endsWith('.json') || trimmed.startsWith('[') || trimmed.startsWith('{')) {
    try {
      const parsed = JSON.parse(text) as unknown;
      if (Array.isArray(parsed)) return parsed;
      if (
        typeof parsed === 'object' &&
        parsed !== null &&
        Array.isArray((parsed as { items?: unknown }).items)
      )
        return (parsed as { items: unknown[] }).items;
      return [parsed];
    } catch (error) {
      if (file.toLowerCase().endsWith('.json')) {
        const message = (error as Error).message;
        const line = lineOfJsonError(text, message);
        throw new Error(`${file}${line === undefined ? '' : `:${line}`}: invalid JSON: ${message}`);
      }
      // Not JSON after all: YAML flow syntax; fall through.
    }
  }
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, uniqueKeys: true });
  const list = Array.isArray(documents) ? documents : [documents];
  const values: unknown[] = [];
  for (const document of list) {
    const first = document.errors[0];
    if (first) {
      const { line, col } = lineCounter.linePos(first.pos[0]);
      throw new Error(`${file}:${line}:${col}: invalid YAML: ${first.message.split('\n')[0]}`);
    }
    const value = document.toJS() as unknown;
    if (value !== null && value !== undefined) values.push(value);
  }
  return values;
}

export interface GitInfo {
  root: string;
  commit: string | undefined;
}

/**
 * The git repository holding a directory: its top level and HEAD commit (one git call),
 * or undefined outside git. Cached per directory by the caller.
 */
export function gitInfoOf(directory: string): GitInfo | undefined {
  try {
    const [root, commit] = execFileSync('git', ['rev-parse', '--show-toplevel', 'HEAD'], {
      cwd: directory,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5_000,
    })
      .trim()
      .split('\n');
    return root ? { root, commit: commit || undefined } : undefined;
  } catch {
    return undefined;
  }
}

export interface LoadOptions {
  cwd: string;
  owner?: string;
  /** Text read from stdin when a path is "-". */
  stdin?: string;
  /** Stamp source annotations (apply, diff); delete -f does not. */
  stamp?: boolean;
  /** Called after each file is read and checked: files done and in all. */
  onProgress?: (done: number, total: number) => void;
}

/** Loads, validates and stamps every object of the given paths; throws a CliError listing every problem. */
export function loadManifests(paths: string[], options: LoadOptions): LoadedObject[] {
  const problems: string[] = [];
  const loaded: LoadedObject[] = [];
  const repositories = new Map<string, GitInfo | undefined>();
  const gitOf = (file: string): GitInfo | undefined => {
    const dir = dirname(file);
    if (!repositories.has(dir)) repositories.set(dir, gitInfoOf(dir));
    return repositories.get(dir);
  };
  const files = paths.flatMap((path) =>
    path === '-' ? ['-'] : manifestFiles(resolve(options.cwd, path)),
  );
  files.forEach((file, done) => {
    const text = file === '-' ? (options.stdin ?? '') : readFileSync(file, 'utf8');
    const git = file === '-' ? undefined : gitOf(file);
    const root = git?.root;
    const shown = file === '-' ? '<stdin>' : relative(root ?? options.cwd, file);
    let documents: unknown[] | undefined;
    try {
      documents = parseManifestText(text, shown);
    } catch (error) {
      problems.push((error as Error).message);
    }
    const commit = options.stamp ? git?.commit : undefined;
    documents?.forEach((document, index) => {
      const object = stamp(document, { ...options, shown, commit, file });
      const result = validateObject(object);
      if (!result.ok) {
        for (const v of result.violations)
          problems.push(`${shown} (document ${index + 1}): ${v.path || '(object)'}: ${v.message}`);
        return;
      }
      loaded.push({ file: shown, index, object: object as Record<string, unknown> });
    });
    options.onProgress?.(done + 1, files.length);
  });
  if (problems.length > 0) throw new CliError(problems.join('\n'), EXIT.error);
  return loaded;
}

function stamp(
  document: unknown,
  options: LoadOptions & { shown: string; commit: string | undefined; file: string },
): unknown {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) return document;
  const object = { ...(document as Record<string, unknown>) };
  const metadata = object['metadata'];
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) return object;
  const annotations: Record<string, string> = {
    ...((metadata as { annotations?: Record<string, string> }).annotations ?? {}),
  };
  if (options.owner !== undefined) annotations[OWNER_ANNOTATION] = options.owner;
  if (options.stamp && options.file !== '-') {
    annotations[SOURCE_FILE_ANNOTATION] = options.shown;
    if (options.commit !== undefined) annotations[SOURCE_COMMIT_ANNOTATION] = options.commit;
  }
  object['metadata'] = {
    ...(metadata as Record<string, unknown>),
    ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
  };
  return object;
}
