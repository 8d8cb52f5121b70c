// Server-owned metadata, one pure helper for every store: uid, generation and
// creationTimestamp are set here; resourceVersion is the store's revision and is
// never part of the stored value; status and client-sent server-owned fields are dropped.
import {
  API_VERSION,
  type CrosswayObject,
  type ObjectMeta,
  type ObjectStatus,
} from '@crossway/model';

export interface MetadataSource {
  now(): Date;
  newUid(): string;
}

/** RFC 3339 at second precision, e.g. `2026-11-27T19:00:00Z`. */
export function timestampOf(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = sortKeys(Reflect.get(value, key));
  return sorted;
}

/** JSON with object keys sorted, so equal values give equal text whatever the key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'null';
}

function nonEmpty(map: Record<string, string> | undefined): Record<string, string> | undefined {
  return map === undefined || Object.keys(map).length === 0 ? undefined : { ...map };
}

/** The metadata a client owns: name, namespace, labels, annotations. */
function clientMeta(meta: ObjectMeta): ObjectMeta {
  const result: ObjectMeta = { name: meta.name };
  if (meta.namespace !== undefined) result.namespace = meta.namespace;
  const labels = nonEmpty(meta.labels);
  if (labels !== undefined) result.labels = labels;
  const annotations = nonEmpty(meta.annotations);
  if (annotations !== undefined) result.annotations = annotations;
  return result;
}

function stored(object: CrosswayObject, meta: ObjectMeta): CrosswayObject {
  return { apiVersion: API_VERSION, kind: object.kind, metadata: meta, spec: object.spec ?? {} };
}

/** The stored form of a new object. */
export function buildCreated(incoming: CrosswayObject, source: MetadataSource): CrosswayObject {
  return stored(incoming, {
    ...clientMeta(incoming.metadata),
    uid: source.newUid(),
    generation: 1,
    creationTimestamp: timestampOf(source.now()),
  });
}

/**
 * The stored form of `incoming` written over `current`, or undefined when spec,
 * labels and annotations are unchanged (then nothing is written). uid and
 * creationTimestamp stay; generation moves only when the spec changes.
 */
export function buildUpdated(
  incoming: CrosswayObject,
  current: CrosswayObject,
  source: MetadataSource,
): CrosswayObject | undefined {
  const next = clientMeta(incoming.metadata);
  const previous = clientMeta(current.metadata);
  const specChanged = canonicalJson(incoming.spec ?? {}) !== canonicalJson(current.spec);
  const metaChanged =
    canonicalJson(next.labels ?? {}) !== canonicalJson(previous.labels ?? {}) ||
    canonicalJson(next.annotations ?? {}) !== canonicalJson(previous.annotations ?? {});
  if (!specChanged && !metaChanged) return undefined;
  const generation = current.metadata.generation ?? 1;
  return stored(incoming, {
    ...next,
    uid: current.metadata.uid ?? source.newUid(),
    generation: specChanged ? generation + 1 : generation,
    creationTimestamp: current.metadata.creationTimestamp ?? timestampOf(source.now()),
  });
}

/** What readers see: the stored object at a revision, with its status. */
export function present(
  object: CrosswayObject,
  resourceVersion: number,
  status?: ObjectStatus,
): CrosswayObject {
  const result: CrosswayObject = {
    apiVersion: object.apiVersion,
    kind: object.kind,
    metadata: { ...object.metadata, resourceVersion: String(resourceVersion) },
    spec: object.spec,
  };
  if (status !== undefined) result.status = status;
  return result;
}
