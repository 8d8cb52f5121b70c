// Object lists: a kind picker, the index of kinds, and one kind's objects loaded page by
// page (500 a page) into a virtualised list with namespace, name and label filters.
import type { ComponentChild } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { ApiObject } from '@crossway/client';
import { findKindInfo, KIND_TABLE, type KindCategory } from '@crossway/model';
import { ErrorBox, Loading } from '../../components/feedback';
import { VirtualList } from '../../components/virtual-list';
import { kindHref, objectHref } from '../../links';
import { Link } from '../../router';
import { useSession } from '../../session';
import { statusSummary } from './relations';
import './objects.css';

const PAGE_SIZE = 500;
const ROW_HEIGHT = 34;
const LIST_HEIGHT = 560;
const CATEGORY_TITLES: Record<KindCategory, string> = {
  mesh: 'Mesh',
  core: 'Core',
  route: 'Routes',
  policy: 'Policies',
};
const CATEGORIES: KindCategory[] = ['core', 'route', 'policy', 'mesh'];

/** Every kind, grouped by category, as links. */
function KindPicker({ current }: { current?: string }) {
  return (
    <nav class="kind-picker" aria-label="Kinds">
      {CATEGORIES.map((category) => (
        <div key={category} class="kind-group">
          <span class="muted">{CATEGORY_TITLES[category]}</span>
          {KIND_TABLE.filter((d) => d.category === category).map((d) => (
            <Link
              key={d.kind}
              href={kindHref(d.kind)}
              {...(current === d.kind ? { 'aria-current': 'page' as const } : {})}
            >
              {d.kind}
            </Link>
          ))}
        </div>
      ))}
    </nav>
  );
}

export function ObjectList({ kind }: { kind?: string }) {
  const descriptor = kind === undefined ? undefined : findKindInfo(kind);
  return (
    <section>
      <h1>Objects</h1>
      <KindPicker {...(descriptor ? { current: descriptor.kind } : {})} />
      {descriptor ? <h2>{descriptor.kind}</h2> : null}
      {kind === undefined ? (
        <KindIndex />
      ) : descriptor ? (
        <KindObjects key={descriptor.kind} kind={descriptor.kind} />
      ) : (
        <ErrorBox error={new Error(`There is no kind "${kind}".`)} title="Unknown kind" />
      )}
    </section>
  );
}

function KindIndex() {
  return (
    <table class="kind-index">
      <thead>
        <tr>
          <th>Kind</th>
          <th>Scope</th>
          <th>What it is</th>
        </tr>
      </thead>
      <tbody>
        {KIND_TABLE.map((d) => (
          <tr key={d.kind}>
            <td>
              <Link href={kindHref(d.kind)}>{d.kind}</Link>
            </td>
            <td>{d.scope === 'Cluster' ? 'cluster' : 'namespaced'}</td>
            <td class="muted">{d.description}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

interface Loaded {
  items: ApiObject[];
  done: boolean;
  error: unknown;
}

/** All objects of a kind, appended page by page so the first rows show at once. */
function useProgressiveList(kind: string, labelSelector: string): Loaded {
  const { client } = useSession();
  const [state, setState] = useState<Loaded>({ items: [], done: false, error: undefined });
  useEffect(() => {
    let cancelled = false;
    setState({ items: [], done: false, error: undefined });
    (async () => {
      let next: string | undefined;
      do {
        const page = await client.list(kind, {
          allNamespaces: true,
          limit: PAGE_SIZE,
          ...(labelSelector ? { labelSelector } : {}),
          ...(next === undefined ? {} : { continue: next }),
        });
        if (cancelled) return;
        next = page.metadata.continue;
        const done = !next;
        setState((s) => ({ items: s.items.concat(page.items), done, error: undefined }));
      } while (next);
    })().catch((error: unknown) => {
      if (!cancelled) setState((s) => ({ ...s, done: true, error }));
    });
    return () => {
      cancelled = true;
    };
  }, [client, kind, labelSelector]);
  return state;
}

function age(timestamp: string | undefined, now: number): string {
  if (!timestamp) return '';
  const seconds = Math.max(0, Math.round((now - Date.parse(timestamp)) / 1000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  if (seconds < 172800) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86400)}d`;
}

function sourceOf(object: ApiObject): string | undefined {
  const a = object.metadata.annotations ?? {};
  const owner = a['crossway.dev/owner'];
  const commit = a['crossway.dev/source-commit'];
  if (owner && commit) return `${owner} @ ${commit.slice(0, 10)}`;
  return owner ?? commit;
}

/** One labelled control of the filter row; the control (with `id`) is the child. */
function Filter({ id, label, children }: { id: string; label: string; children: ComponentChild }) {
  return (
    <div>
      <label for={id}>{label}</label>
      {children}
    </div>
  );
}

function KindObjects({ kind }: { kind: string }) {
  const [selectorDraft, setSelectorDraft] = useState('');
  const [labelSelector, setLabelSelector] = useState('');
  const [namespace, setNamespace] = useState('');
  const [nameFilter, setNameFilter] = useState('');
  const { items, done, error } = useProgressiveList(kind, labelSelector);
  const clusterScoped = findKindInfo(kind)?.scope === 'Cluster';
  const namespaces = useMemo(
    () => [...new Set(items.map((o) => o.metadata.namespace ?? ''))].filter(Boolean).sort(),
    [items],
  );
  const shown = useMemo(() => {
    const needle = nameFilter.trim().toLowerCase();
    return items.filter(
      (o) =>
        (namespace === '' || o.metadata.namespace === namespace) &&
        (needle === '' || o.metadata.name.toLowerCase().includes(needle)),
    );
  }, [items, namespace, nameFilter]);
  const now = Date.now();
  return (
    <div class="object-list">
      <form
        class="row filters"
        onSubmit={(e) => {
          e.preventDefault();
          setLabelSelector(selectorDraft.trim());
        }}
      >
        {clusterScoped ? null : (
          <Filter id="filter-namespace" label="Namespace">
            <select
              id="filter-namespace"
              value={namespace}
              onChange={(e) => setNamespace(e.currentTarget.value)}
            >
              <option value="">All namespaces</option>
              {namespaces.map((ns) => (
                <option key={ns} value={ns}>
                  {ns}
                </option>
              ))}
            </select>
          </Filter>
        )}
        <Filter id="filter-name" label="Name contains">
          <input
            id="filter-name"
            type="search"
            value={nameFilter}
            onInput={(e) => setNameFilter(e.currentTarget.value)}
          />
        </Filter>
        <Filter id="filter-labels" label="Label selector">
          <input
            id="filter-labels"
            placeholder="team=web,tier!=db"
            value={selectorDraft}
            onInput={(e) => setSelectorDraft(e.currentTarget.value)}
          />
        </Filter>
        <button type="submit" class="secondary">
          Apply selector
        </button>
      </form>
      <p class="muted" role="status" data-testid="list-count">
        {done ? `${items.length} loaded` : `loaded ${items.length}…`}
        {shown.length !== items.length ? `, ${shown.length} shown` : ''}
      </p>
      <ErrorBox error={error} />
      {!done && items.length === 0 && !error ? <Loading what={`${kind} objects`} /> : null}
      {done || items.length > 0 ? (
        <VirtualList
          label={`${kind} objects`}
          items={shown}
          rowHeight={ROW_HEIGHT}
          height={Math.min(LIST_HEIGHT, Math.max(shown.length, 1) * ROW_HEIGHT + 2)}
          itemKey={(o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`}
          empty={
            <p class="muted">
              No {kind} objects{items.length > 0 ? ' match the filters' : ''}.
            </p>
          }
          header={
            <div class="object-row object-header" role="presentation">
              <span>Name</span>
              <span>Namespace</span>
              <span>Status</span>
              <span>Age / generation</span>
              <span>Source</span>
            </div>
          }
          renderRow={(o) => {
            const status = statusSummary(o);
            const source = sourceOf(o);
            return (
              <div class="object-row">
                <span class="cell-name">
                  <Link href={objectHref(o.kind, o.metadata.namespace, o.metadata.name)}>
                    {o.metadata.name}
                  </Link>
                </span>
                <span>{o.metadata.namespace ?? '—'}</span>
                <span>
                  <span class={`badge ${status.tone}`}>{status.text}</span>
                </span>
                <span class="muted">
                  {age(o.metadata.creationTimestamp, now)}
                  {o.metadata.generation === undefined ? '' : ` · g${o.metadata.generation}`}
                </span>
                <span class="muted">{source ?? ''}</span>
              </div>
            );
          }}
        />
      ) : null}
    </div>
  );
}
