// /dataplanes: every connected proxy with its sync state, filtered from the query
// string, NACKed first, 200 a page, refreshed every 5 s.
import type { ProxyInfo } from '@crossway/client';
import { useEffect, useMemo } from 'preact/hooks';
import { ErrorBox, Loading } from '../../components/feedback';
import { dataPlaneHref, objectHref } from '../../links';
import { Link, navigate, useLocation } from '../../router';
import { useSession } from '../../session';
import { useApi } from '../../use-api';
import { shortVersion, XDS_TYPES } from './resources';
import {
  compareProxies,
  rememberProxies,
  ROLES,
  SYNC_BADGE,
  SYNC_LABEL,
  SYNC_STATES,
  syncStateOf,
  targetOf,
  type SyncState,
} from './sync';
import './dataplanes.css';

export const PAGE_SIZE = 200;
export const REFRESH_MS = 5000;

export function SyncBadge({ state }: { state: SyncState }) {
  return <span class={`badge ${SYNC_BADGE[state]}`}>{SYNC_LABEL[state]}</span>;
}

export function TargetLink({ proxy }: { proxy: ProxyInfo }) {
  const target = targetOf(proxy);
  if (!target) return <span class="muted">—</span>;
  return (
    <Link href={objectHref(target.kind, target.namespace, target.name)}>
      {target.kind} {target.namespace}/{target.name}
    </Link>
  );
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Polls `reload` every `ms` while mounted. */
export function useInterval(reload: () => void, ms: number): void {
  useEffect(() => {
    const timer = setInterval(reload, ms);
    return () => clearInterval(timer);
  }, [reload, ms]);
}

export function DataPlaneList() {
  const { client } = useSession();
  const { query } = useLocation();
  const proxies = useApi(async () => {
    const items = await client.proxies();
    rememberProxies(items);
    return items;
  }, [client]);
  useInterval(proxies.reload, REFRESH_MS);

  const role = query.get('role') ?? '';
  const state = (query.get('state') ?? 'all').toLowerCase();
  const text = query.get('q') ?? '';
  const page = Math.max(1, Number.parseInt(query.get('page') ?? '1', 10) || 1);

  const setQuery = (changes: Record<string, string>) => {
    const next = new URLSearchParams(query);
    for (const [key, value] of Object.entries(changes)) {
      if (value === '' || (key === 'state' && value === 'all')) next.delete(key);
      else next.set(key, value);
    }
    // A filter change starts again at page 1.
    if (!('page' in changes)) next.delete('page');
    const search = next.toString();
    navigate(`/dataplanes${search ? `?${search}` : ''}`, { replace: true });
  };

  const shown = useMemo(() => {
    const needle = text.trim().toLowerCase();
    return (proxies.data ?? [])
      .filter((p) => role === '' || p.role === role)
      .filter((p) => state === 'all' || syncStateOf(p) === state)
      .filter(
        (p) =>
          needle === '' ||
          p.id.toLowerCase().includes(needle) ||
          (p.gateway ?? p.service ?? '').toLowerCase().includes(needle),
      )
      .sort(compareProxies);
  }, [proxies.data, role, state, text]);
  const pages = Math.max(1, Math.ceil(shown.length / PAGE_SIZE));
  const current = Math.min(page, pages);
  const rows = shown.slice((current - 1) * PAGE_SIZE, current * PAGE_SIZE);

  return (
    <section class="dataplanes">
      <h1>Data planes</h1>
      <div class="row filters">
        <label for="dp-role">Role</label>
        <select
          id="dp-role"
          value={role}
          onChange={(e) => setQuery({ role: e.currentTarget.value })}
        >
          <option value="">all</option>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        <label for="dp-state">State</label>
        <select
          id="dp-state"
          value={state}
          onChange={(e) => setQuery({ state: e.currentTarget.value })}
        >
          <option value="all">all</option>
          {SYNC_STATES.map((s) => (
            <option key={s} value={s}>
              {SYNC_LABEL[s]}
            </option>
          ))}
        </select>
        <label for="dp-text">Id or target</label>
        <input
          id="dp-text"
          type="search"
          value={text}
          onInput={(e) => setQuery({ q: e.currentTarget.value })}
        />
        <button type="button" class="secondary" onClick={proxies.reload}>
          Refresh
        </button>
        <Link href="/preview">Preview a target with no proxy</Link>
      </div>
      <ErrorBox error={proxies.error} />
      {proxies.data === undefined ? (
        proxies.error ? null : (
          <Loading what="data planes" />
        )
      ) : (
        <>
          <p class="muted" data-testid="dp-count">
            {shown.length} of {proxies.data.length} data planes
          </p>
          <table>
            <thead>
              <tr>
                <th>Id</th>
                <th>Role</th>
                <th>Target</th>
                <th>Sync</th>
                {XDS_TYPES.map((t) => (
                  <th key={t}>{t}</th>
                ))}
                <th>Connected since</th>
                <th>Last NACK</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((p) => (
                <tr key={p.id} data-testid={`dp-${p.id}`}>
                  <td>
                    <Link href={dataPlaneHref(p.id)}>{p.id}</Link>
                  </td>
                  <td>{p.role}</td>
                  <td>
                    <TargetLink proxy={p} />
                  </td>
                  <td>
                    <SyncBadge state={syncStateOf(p)} />
                  </td>
                  {XDS_TYPES.map((t) => (
                    <td key={t} class="mono" title={p.versions[t] ?? ''}>
                      {shortVersion(p.versions[t])}
                    </td>
                  ))}
                  <td>
                    <time dateTime={p.connectedAt}>{new Date(p.connectedAt).toLocaleString()}</time>
                  </td>
                  <td title={p.nack ? `${p.nack.type}: ${p.nack.error}` : undefined}>
                    {p.nack ? `${p.nack.type}: ${truncate(p.nack.error, 80)}` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {shown.length === 0 ? <p class="muted">No data plane matches.</p> : null}
          {pages > 1 ? (
            <nav class="row pager" aria-label="Pages">
              <button
                type="button"
                class="secondary"
                disabled={current <= 1}
                onClick={() => setQuery({ page: String(current - 1) })}
              >
                Previous page
              </button>
              <span>
                Page {current} of {pages}
              </span>
              <button
                type="button"
                class="secondary"
                disabled={current >= pages}
                onClick={() => setQuery({ page: String(current + 1) })}
              >
                Next page
              </button>
            </nav>
          ) : null}
        </>
      )}
    </section>
  );
}
