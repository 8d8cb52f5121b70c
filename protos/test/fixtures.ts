// Loads the YAML fixtures next to the tests.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { RESOURCE_KINDS, type ResourceKind } from '../src/index.ts';

export function readFixture(name: string): unknown {
  return parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
}

export type Snapshot = Record<ResourceKind, Record<string, unknown>[]>;

function records(value: unknown): Record<string, unknown>[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (item): item is Record<string, unknown> => typeof item === 'object' && item !== null,
  );
}

/** The consistent snapshot in fixtures/snapshot.yaml, freshly parsed (safe to change). */
export function baseSnapshot(): Snapshot {
  const raw = readFixture('snapshot.yaml');
  const source = typeof raw === 'object' && raw !== null ? raw : {};
  const snapshot: Partial<Snapshot> = {};
  for (const kind of RESOURCE_KINDS) snapshot[kind] = records(Reflect.get(source, kind));
  return {
    listeners: snapshot.listeners ?? [],
    routes: snapshot.routes ?? [],
    clusters: snapshot.clusters ?? [],
    endpoints: snapshot.endpoints ?? [],
    secrets: snapshot.secrets ?? [],
  };
}

/** One resource of the base snapshot by its name (cluster_name for endpoints). */
export function resource(kind: ResourceKind, name: string): Record<string, unknown> {
  const found = baseSnapshot()[kind].find((r) => (r.name ?? r.cluster_name) === name);
  if (found === undefined) throw new Error(`no ${kind} named ${name} in snapshot.yaml`);
  return found;
}
