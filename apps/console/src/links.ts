// Where each thing lives in the console, so every view links the same way.
import { findKindInfo } from '@crossway/model';

/** Plural resource name of a kind given by any of its names ("HTTPRoute" -> "httproutes"). */
export function pluralOf(kind: string): string {
  return findKindInfo(kind)?.plural ?? kind.toLowerCase();
}

/** The object page of kind/namespace/name; "-" stands for no namespace (Mesh). */
export function objectHref(kind: string, namespace: string | undefined, name: string): string {
  const ns = namespace === undefined || namespace === '' ? '-' : namespace;
  return `/objects/${pluralOf(kind)}/${encodeURIComponent(ns)}/${encodeURIComponent(name)}`;
}

/** The object list of a kind. */
export function kindHref(kind: string): string {
  return `/objects/${pluralOf(kind)}`;
}

/** A data plane's page (what it was sent, its NACK). */
export function dataPlaneHref(id: string): string {
  return `/dataplanes/${encodeURIComponent(id)}`;
}

/** "ns/name" or "name" for cluster-scoped objects. */
export function displayName(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}
