// Overview: counts per kind, data planes by sync state, objects not Accepted, live changes.
// Each kind is listed on its own (in parallel) and shown as soon as it is counted, so
// the page is usable before the slowest list answers; then the watch stream follows
// from the lists' revision so only new changes show.
import { CrosswayApiError, type ApiObject } from '@crossway/client';
import { KIND_TABLE } from '@crossway/model';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ErrorBox, Loading } from '../../components/feedback';
import { dataPlaneHref, displayName, kindHref, objectHref } from '../../links';
import { Link } from '../../router';
import { useSession } from '../../session';
import { useApi } from '../../use-api';
import { REFRESH_MS, useInterval } from '../dataplanes/list';
import { ROLES, SYNC_LABEL, SYNC_STATES, syncStateOf } from '../dataplanes/sync';
import { statusIssues, type StatusIssue } from './status';
import './overview.css';

export const LIST_PAGE = 500;
export const MAX_CHANGES = 50;
const CATEGORY_ORDER = ['core', 'route', 'policy', 'mesh'];
const CATEGORY_TITLE: Record<string, string> = {
  core: 'Core',
  route: 'Routes',
  policy: 'Policies',
  mesh: 'Mesh',
};

export interface Change {
  seq: number;
  at: Date;
  type: string;
  kind: string;
  namespace: string | undefined;
  name: string;
}

const keyOf = (kind: string, namespace: string | undefined, name: string) =>
  `${kind}|${namespace ?? ''}|${name}`;

/** The later of two revisions (numbers as the store gives them; text compared last). */
function laterRevision(a: string | undefined, b: string): string {
  if (a === undefined) return b;
  const x = Number(a);
  const y = Number(b);
  if (Number.isFinite(x) && Number.isFinite(y)) return y > x ? b : a;
  return b > a ? b : a;
}

/** Waits `ms`, or less when `signal` aborts; leaves no listener behind on the signal. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

type WatchState = 'waiting' | 'live' | 'reconnecting';

/** Counts, status issues and recent changes: lists every kind, then follows the watch. */
function useStoreSummary() {
  const { client } = useSession();
  const [epoch, setEpoch] = useState(0);
  const [counts, setCounts] = useState<Record<string, number>>({});
  const [listErrors, setListErrors] = useState<Record<string, unknown>>({});
  const [issues, setIssues] = useState<Map<string, StatusIssue[]>>(() => new Map());
  const [changes, setChanges] = useState<Change[]>([]);
  const [watchState, setWatchState] = useState<WatchState>('waiting');
  const [watchError, setWatchError] = useState<unknown>(undefined);

  useEffect(() => {
    const abort = new AbortController();
    const { signal } = abort;
    let seq = 0;
    let since: string | undefined;
    setCounts({});
    setListErrors({});
    setIssues(new Map());
    setWatchState('waiting');

    const setObjectIssues = (object: ApiObject, deleted: boolean) => {
      const key = keyOf(object.kind, object.metadata.namespace, object.metadata.name);
      const found = deleted ? [] : statusIssues(object);
      setIssues((old) => {
        if (!old.has(key) && found.length === 0) return old;
        const next = new Map(old);
        if (found.length === 0) next.delete(key);
        else next.set(key, found);
        return next;
      });
    };

    // Counting only: each page is scanned for status issues and dropped.
    const countKind = async (kind: string) => {
      let count = 0;
      const found = new Map<string, StatusIssue[]>();
      let next: string | undefined;
      do {
        const page = await client.list(kind, {
          allNamespaces: true,
          limit: LIST_PAGE,
          ...(next === undefined ? {} : { continue: next }),
        });
        if (signal.aborted) return;
        if (next === undefined) since = laterRevision(since, page.metadata.resourceVersion);
        count += page.items.length;
        for (const item of page.items) {
          const itemIssues = statusIssues(item);
          if (itemIssues.length > 0)
            found.set(keyOf(item.kind, item.metadata.namespace, item.metadata.name), itemIssues);
        }
        next = page.metadata.continue;
      } while (next);
      setCounts((old) => ({ ...old, [kind]: count }));
      if (found.size > 0) setIssues((old) => new Map([...old, ...found]));
    };

    const onEvent = (type: string, object: ApiObject) => {
      const { kind } = object;
      const { namespace, name } = object.metadata;
      if (type === 'ADDED') setCounts((old) => ({ ...old, [kind]: (old[kind] ?? 0) + 1 }));
      if (type === 'DELETED')
        setCounts((old) => ({ ...old, [kind]: Math.max(0, (old[kind] ?? 1) - 1) }));
      setObjectIssues(object, type === 'DELETED');
      const change: Change = { seq: ++seq, at: new Date(), type, kind, namespace, name };
      setChanges((old) => [change, ...old].slice(0, MAX_CHANGES));
    };

    // Follows the stream from `since`; reconnects with back-off when it ends, lists
    // again (a new epoch) when the revision was compacted away (410).
    const follow = async () => {
      let delay = 1000;
      while (!signal.aborted) {
        try {
          const stream = client.watch(
            since === undefined ? {} : { resourceVersion: since },
            signal,
          );
          setWatchState('live');
          setWatchError(undefined);
          for await (const event of stream) {
            delay = 1000;
            if (event.revision !== undefined) since = event.revision;
            if (event.type === 'BOOKMARK') continue;
            const object = event.object as ApiObject | undefined;
            if (object && typeof object === 'object' && object.metadata)
              onEvent(event.type, object);
          }
        } catch (error) {
          if (signal.aborted) return;
          if (error instanceof CrosswayApiError && error.status === 410) {
            setEpoch((e) => e + 1);
            return;
          }
          setWatchError(error);
        }
        if (signal.aborted) return;
        setWatchState('reconnecting');
        await sleep(delay, signal);
        delay = Math.min(delay * 2, 30_000);
      }
    };

    void Promise.all(
      KIND_TABLE.map((d) =>
        countKind(d.kind).catch((error: unknown) => {
          if (!signal.aborted) setListErrors((old) => ({ ...old, [d.kind]: error }));
        }),
      ),
    ).then(() => {
      if (!signal.aborted) void follow();
    });
    return () => abort.abort();
  }, [client, epoch]);

  return {
    counts,
    listErrors,
    issues,
    changes,
    watchState,
    watchError,
    refresh: () => setEpoch((e) => e + 1),
  };
}

function KindCounts({
  counts,
  errors,
}: {
  counts: Record<string, number>;
  errors: Record<string, unknown>;
}) {
  const groups = CATEGORY_ORDER.map((category) => ({
    category,
    kinds: KIND_TABLE.filter((d) => d.category === category),
  })).filter((g) => g.kinds.length > 0);
  const others = KIND_TABLE.filter((d) => !CATEGORY_ORDER.includes(d.category));
  if (others.length > 0) groups.push({ category: 'other', kinds: others });
  return (
    <section aria-label="Objects" class="overview-counts">
      <h2>Objects</h2>
      {groups.map((group) => (
        <div key={group.category}>
          <h3>{CATEGORY_TITLE[group.category] ?? group.category}</h3>
          <div class="grid">
            {group.kinds.map((d) => (
              <Link
                key={d.kind}
                href={kindHref(d.kind)}
                class="card"
                data-testid={`count-${d.kind}`}
              >
                <span class="count">
                  {counts[d.kind] ?? (errors[d.kind] !== undefined ? '!' : '…')}
                </span>{' '}
                <span class="kind">{d.kind}</span>
              </Link>
            ))}
          </div>
        </div>
      ))}
      {Object.entries(errors).map(([kind, error]) => (
        <ErrorBox key={kind} error={error} title={`Could not count ${kind}`} />
      ))}
    </section>
  );
}

function DataPlaneSummary() {
  const { client } = useSession();
  const proxies = useApi(() => client.proxies(), [client]);
  useInterval(proxies.reload, REFRESH_MS);
  const table = useMemo(() => {
    const cells = new Map<string, number>();
    for (const p of proxies.data ?? []) {
      const key = `${p.role}|${syncStateOf(p)}`;
      cells.set(key, (cells.get(key) ?? 0) + 1);
    }
    return cells;
  }, [proxies.data]);
  const nacked = (proxies.data ?? [])
    .flatMap((p) => (p.nack ? [{ ...p, nack: p.nack }] : []))
    .sort((a, b) => a.id.localeCompare(b.id));
  return (
    <section aria-label="Data planes" class="overview-dataplanes">
      <h2>
        <Link href="/dataplanes">Data planes</Link>
      </h2>
      <ErrorBox error={proxies.error} />
      {proxies.data === undefined ? (
        proxies.error ? null : (
          <Loading what="data planes" />
        )
      ) : (
        <>
          {nacked.length > 0 ? (
            <div class="panel nacked" aria-label="NACKed data planes">
              <h3>
                <span class="badge bad">NACKed</span> {nacked.length}
              </h3>
              <ul>
                {nacked.slice(0, 20).map((p) => (
                  <li key={p.id}>
                    <Link href={dataPlaneHref(p.id)}>{p.id}</Link> — {p.nack.type}:{' '}
                    <span class="nack-error">{p.nack.error}</span>
                  </li>
                ))}
              </ul>
              {nacked.length > 20 ? (
                <Link href="/dataplanes?state=nacked">All {nacked.length} NACKed data planes</Link>
              ) : null}
            </div>
          ) : null}
          <table>
            <thead>
              <tr>
                <th>Role</th>
                {SYNC_STATES.map((s) => (
                  <th key={s}>{SYNC_LABEL[s]}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {ROLES.map((role) => (
                <tr key={role}>
                  <th scope="row">{role}</th>
                  {SYNC_STATES.map((state) => {
                    const n = table.get(`${role}|${state}`) ?? 0;
                    return (
                      <td key={state}>
                        <Link
                          href={`/dataplanes?role=${role}&state=${state}`}
                          data-testid={`dp-${role}-${state}`}
                          aria-label={`${n} ${role} ${SYNC_LABEL[state]}`}
                        >
                          {String(n)}
                        </Link>
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function StatusIssues({
  issues,
  checked,
}: {
  issues: Map<string, StatusIssue[]>;
  /** Whether every kind was listed: until then no issue found proves nothing. */
  checked: 'all' | 'some' | 'failed';
}) {
  const rows = [...issues.values()]
    .flat()
    .sort(
      (a, b) =>
        a.kind.localeCompare(b.kind) ||
        displayName(a.namespace, a.name).localeCompare(displayName(b.namespace, b.name)),
    );
  return (
    <section aria-label="Not Accepted" class="overview-issues">
      <h2>Objects not Accepted or not programmed</h2>
      {checked === 'some' ? <Loading what="the status of every kind" /> : null}
      {checked === 'failed' ? (
        <p class="muted">Some kinds could not be listed (see Objects): their status is unknown.</p>
      ) : null}
      {rows.length === 0 ? (
        checked === 'all' ? (
          <p class="muted">Every object is Accepted, resolved and programmed.</p>
        ) : null
      ) : (
        <table>
          <thead>
            <tr>
              <th>Object</th>
              <th>Condition</th>
              <th>Reason</th>
              <th>Concerns</th>
              <th>Message</th>
            </tr>
          </thead>
          <tbody>
            {rows.slice(0, 200).map((issue, i) => (
              <tr key={`${keyOf(issue.kind, issue.namespace, issue.name)}|${i}`}>
                <td>
                  <Link href={objectHref(issue.kind, issue.namespace, issue.name)}>
                    {issue.kind} {displayName(issue.namespace, issue.name)}
                  </Link>
                </td>
                <td>
                  <span class="badge bad">{issue.type}=False</span>
                </td>
                <td>{issue.reason}</td>
                <td>{issue.concerns ?? ''}</td>
                <td>{issue.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {rows.length > 200 ? <p class="muted">First 200 of {rows.length} shown.</p> : null}
    </section>
  );
}

function RecentChanges({
  changes,
  state,
  error,
}: {
  changes: Change[];
  state: WatchState;
  error: unknown;
}) {
  return (
    <section aria-label="Recent changes" class="overview-changes">
      <h2>
        Recent changes{' '}
        <span class={`badge ${state === 'live' ? 'ok' : 'warn'}`} data-testid="watch-state">
          {state}
        </span>
      </h2>
      <ErrorBox error={error} title="The change stream stopped; reconnecting" />
      {changes.length === 0 ? (
        <p class="muted">No change since this page loaded.</p>
      ) : (
        <ol class="changes">
          {changes.map((c) => (
            <li key={c.seq}>
              <time dateTime={c.at.toISOString()}>{c.at.toLocaleTimeString()}</time>{' '}
              <span
                class={`badge ${c.type === 'DELETED' ? 'bad' : c.type === 'ADDED' ? 'ok' : 'warn'}`}
              >
                {c.type}
              </span>{' '}
              {c.type === 'DELETED' ? (
                <span>
                  {c.kind} {displayName(c.namespace, c.name)}
                </span>
              ) : (
                <Link href={objectHref(c.kind, c.namespace, c.name)}>
                  {c.kind} {displayName(c.namespace, c.name)}
                </Link>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

export function OverviewView() {
  const summary = useStoreSummary();
  return (
    <section class="overview">
      <h1>Overview</h1>
      <p>
        <button type="button" class="secondary" onClick={summary.refresh}>
          Refresh
        </button>
      </p>
      <DataPlaneSummary />
      <KindCounts counts={summary.counts} errors={summary.listErrors} />
      <StatusIssues
        issues={summary.issues}
        checked={
          Object.keys(summary.listErrors).length > 0
            ? 'failed'
            : KIND_TABLE.every((d) => summary.counts[d.kind] !== undefined)
              ? 'all'
              : 'some'
        }
      />
      <RecentChanges
        changes={summary.changes}
        state={summary.watchState}
        error={summary.watchError}
      />
    </section>
  );
}
