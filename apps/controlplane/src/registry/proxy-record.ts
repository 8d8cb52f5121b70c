// The record kept per connected proxy in the store's leased record area "proxies"
// (read by GET /api/v1/proxies on any API replica). Keys are the node id, URI-encoded
// so any node id is a valid record id.
import { TYPE_URLS, type DataPlaneRole } from '../contracts';

export const PROXIES_AREA = 'proxies';

export type TypeName = keyof typeof TYPE_URLS;
export type TypeVersions = Record<TypeName, string>;

export interface ProxyNack {
  /** Short type name: listeners, routes, clusters, endpoints or secrets. */
  type: TypeName;
  error: string;
  /** ISO time of the NACK. */
  at: string;
  /** Stored objects ("Kind ns/name") behind the rejected resources. */
  objects: string[];
  /** The version rejected. */
  version: string;
}

export interface ProxyRecord {
  id: string;
  role: DataPlaneRole;
  gateway?: string;
  service?: string;
  workload?: string;
  /** The control-plane instance the proxy is connected to. */
  instance: string;
  /** ISO time of the connection. */
  connectedAt: string;
  /** ADS flavour of the stream. */
  stream: 'sotw' | 'delta';
  /** Last version ACKed per type ("" before the first ACK). */
  versions: TypeVersions;
  /** Last version sent per type ("" before the first push). */
  sent: TypeVersions;
  nack?: ProxyNack;
}

export function recordId(nodeId: string): string {
  return encodeURIComponent(nodeId);
}

const TYPE_NAMES = new Map<string, TypeName>(
  Object.entries(TYPE_URLS).map(([name, url]) => [url, name as TypeName]),
);

/** "listeners" for the Listener type URL; undefined for a type the registry does not track. */
export function typeNameOf(typeUrl: string): TypeName | undefined {
  return TYPE_NAMES.get(typeUrl);
}

export function emptyVersions(): TypeVersions {
  return { listeners: '', routes: '', clusters: '', endpoints: '', secrets: '' };
}
