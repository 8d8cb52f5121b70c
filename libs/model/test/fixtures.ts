// Loads the YAML fixtures of the model tests and edits objects by field path.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

export function loadDocuments(path: string): Record<string, unknown>[] {
  return parseAllDocuments(readFileSync(path, 'utf8')).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${path}: ${doc.errors[0]?.message}`);
    return doc.toJS() as Record<string, unknown>;
  });
}

export const demoObjects = () => loadDocuments(here('../../../examples/shop.yaml'));
export const validObjects = () => loadDocuments(here('./data/valid.yaml'));
export const invalidCasesPath = here('./data/invalid.yaml');

/** Splits `spec.rules[0]["tls.crt"]` into ['spec', 'rules', 0, 'tls.crt']. */
export function parsePath(path: string): (string | number)[] {
  const segments: (string | number)[] = [];
  const pattern = /([^.[\]]+)|\[(\d+)\]|\["([^"]*)"\]/g;
  for (const m of path.matchAll(pattern)) {
    if (m[1] !== undefined) segments.push(m[1]);
    else if (m[2] !== undefined) segments.push(Number(m[2]));
    else segments.push(m[3] ?? '');
  }
  return segments;
}

type Container = Record<string | number, unknown>;

function parentOf(root: unknown, path: (string | number)[]): [Container, string | number] {
  let node = root as Container;
  for (const segment of path.slice(0, -1)) {
    const next = node[segment];
    if (typeof next !== 'object' || next === null)
      throw new Error(`fixture path ${path.join('.')} does not exist at ${segment}`);
    node = next as Container;
  }
  const last = path[path.length - 1];
  if (last === undefined) throw new Error('empty fixture path');
  return [node, last];
}

export function getPath(root: unknown, path: string): unknown {
  const [parent, key] = parentOf(root, parsePath(path));
  return parent[key];
}

export function setPath(root: unknown, path: string, value: unknown): void {
  const [parent, key] = parentOf(root, parsePath(path));
  parent[key] = value;
}

export function unsetPath(root: unknown, path: string): void {
  const [parent, key] = parentOf(root, parsePath(path));
  delete parent[key];
}
