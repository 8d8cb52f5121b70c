// Sync state of a connected proxy as the lists show it, its target, and the proxies
// seen lately (so the page of a proxy that went away can still offer its target).
import type { ProxyInfo } from '@crossway/client';

export type SyncState = 'synced' | 'stale' | 'nacked';
export const SYNC_STATES: readonly SyncState[] = ['synced', 'stale', 'nacked'];
export const ROLES = ['edge', 'sidecar', 'proxyless'] as const;

/** The word the badges show (the e2e tests and operators look for these). */
export const SYNC_LABEL: Record<SyncState, string> = {
  synced: 'synced',
  stale: 'stale',
  nacked: 'NACKed',
};
export const SYNC_BADGE: Record<SyncState, string> = { synced: 'ok', stale: 'warn', nacked: 'bad' };

/** NACKed when the last push was rejected; stale when something sent is not ACKed yet. */
export function syncStateOf(proxy: ProxyInfo): SyncState {
  if (proxy.nack) return 'nacked';
  for (const [type, sent] of Object.entries(proxy.sent)) {
    if ((proxy.versions[type] ?? '') !== sent) return 'stale';
  }
  return 'synced';
}

/** NACKed first, then stale, then by id: what needs an operator comes on top. */
export function compareProxies(a: ProxyInfo, b: ProxyInfo): number {
  const rank = (p: ProxyInfo) => SYNC_STATES.length - 1 - SYNC_STATES.indexOf(syncStateOf(p));
  return rank(a) - rank(b) || a.id.localeCompare(b.id);
}

export interface ProxyTarget {
  kind: 'Gateway' | 'Service';
  namespace: string;
  name: string;
}

/** The Gateway (edge) or Service a proxy serves, from its "ns/name". */
export function targetOf(proxy: Pick<ProxyInfo, 'gateway' | 'service'>): ProxyTarget | undefined {
  const ref = proxy.gateway ?? proxy.service;
  if (ref === undefined || ref === '') return undefined;
  const slash = ref.indexOf('/');
  const namespace = slash < 0 ? 'default' : ref.slice(0, slash);
  const name = slash < 0 ? ref : ref.slice(slash + 1);
  return { kind: proxy.gateway !== undefined ? 'Gateway' : 'Service', namespace, name };
}

/** The preview of what a proxy of this role and target gets. */
export function previewHref(proxy: Pick<ProxyInfo, 'role' | 'gateway' | 'service' | 'workload'>) {
  const query = new URLSearchParams({ role: proxy.role });
  if (proxy.gateway) query.set('gateway', proxy.gateway);
  if (proxy.service) query.set('service', proxy.service);
  if (proxy.workload) query.set('workload', proxy.workload);
  return `/preview?${query.toString()}`;
}

// Proxies this tab saw, by id: a proxy that disconnected answers 404, and its page
// still wants to link the preview of what it served.
const seen = new Map<string, ProxyInfo>();
const SEEN_MAX = 2000;

export function rememberProxies(proxies: readonly ProxyInfo[]): void {
  for (const proxy of proxies) {
    seen.delete(proxy.id);
    seen.set(proxy.id, proxy);
  }
  // Maps iterate in insertion order: the first keys are the least recently seen.
  for (const id of seen.keys()) {
    if (seen.size <= SEEN_MAX) break;
    seen.delete(id);
  }
}

export function lastSeenProxy(id: string): ProxyInfo | undefined {
  return seen.get(id);
}
