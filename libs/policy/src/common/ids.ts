// Identities of stored objects and the string keys derived from them.
import type { KindName, ObjectReference } from '@crossway/model';

export interface NamespacedName {
  namespace: string;
  name: string;
}

/** Names one stored object. Mesh, the only cluster-scoped kind, has no namespace. */
export interface ObjectId {
  kind: KindName;
  namespace?: string;
  name: string;
}

/** "namespace/name". */
export function nsName(ref: NamespacedName): string {
  return `${ref.namespace}/${ref.name}`;
}

/** A sortable key: "Kind/namespace/name". */
export function idKey(id: ObjectId): string {
  return `${id.kind}/${id.namespace ?? ''}/${id.name}`;
}

/** An ObjectReference with optional fields present only when set (exactOptionalPropertyTypes). */
export function objectReference(
  kind: string,
  name: string,
  extra: {
    namespace?: string | undefined;
    sectionName?: string | undefined;
    port?: number | undefined;
  },
): ObjectReference {
  const ref: ObjectReference = { kind, name };
  if (extra.namespace !== undefined) ref.namespace = extra.namespace;
  if (extra.sectionName !== undefined) ref.sectionName = extra.sectionName;
  if (extra.port !== undefined) ref.port = extra.port;
  return ref;
}
