// The xDS resources a proxy was (or would be) sent, per type, as names that expand to
// their proto3 JSON; shared by the data-plane page and Preview.
import { useMemo, useState } from 'preact/hooks';

export const XDS_TYPES = ['listeners', 'routes', 'clusters', 'endpoints', 'secrets'] as const;

/** A resource's name: `name`, or `clusterName` for endpoints (ClusterLoadAssignment). */
export function resourceName(resource: unknown, index: number): string {
  if (resource !== null && typeof resource === 'object') {
    const r = resource as { name?: unknown; clusterName?: unknown };
    if (typeof r.name === 'string') return r.name;
    if (typeof r.clusterName === 'string') return r.clusterName;
  }
  return `#${index + 1}`;
}

function ResourceItem({ name, resource }: { name: string; resource: unknown }) {
  const [open, setOpen] = useState(false);
  return (
    <li>
      <button
        type="button"
        class="link-button resource-name"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
      >
        {name}
      </button>
      {/* JSON only for opened resources: a big config stays cheap to render. */}
      {open ? <pre class="resource-json">{JSON.stringify(resource, null, 2)}</pre> : null}
    </li>
  );
}

export function ResourceViewer({
  resources,
}: {
  resources: Record<string, unknown[] | undefined>;
}) {
  const [filter, setFilter] = useState('');
  const types = useMemo(() => {
    const extra = Object.keys(resources).filter(
      (t) => !(XDS_TYPES as readonly string[]).includes(t),
    );
    return [...XDS_TYPES, ...extra];
  }, [resources]);
  const needle = filter.trim().toLowerCase();
  return (
    <section class="resource-viewer" aria-label="Resources">
      <h2>Resources</h2>
      <label for="resource-filter">Filter resources by name</label>{' '}
      <input
        id="resource-filter"
        type="search"
        value={filter}
        onInput={(e) => setFilter(e.currentTarget.value)}
      />
      {types.map((type) => {
        const all = resources[type] ?? [];
        const named = all.map((resource, i) => ({ name: resourceName(resource, i), resource }));
        const shown = needle ? named.filter((r) => r.name.toLowerCase().includes(needle)) : named;
        return (
          <div key={type} class="resource-type" data-testid={`resources-${type}`}>
            <h3>
              {type}{' '}
              <span class="muted">
                ({needle ? `${shown.length} of ${all.length}` : all.length})
              </span>
            </h3>
            {shown.length === 0 ? (
              <p class="muted">None.</p>
            ) : (
              <ul class="resource-list">
                {shown.map((r) => (
                  <ResourceItem key={`${type}:${r.name}`} name={r.name} resource={r.resource} />
                ))}
              </ul>
            )}
          </div>
        );
      })}
    </section>
  );
}

/** A problem or unsupported finding: its message, naming the object when it has one. */
export function describeFinding(finding: unknown): string {
  if (typeof finding === 'string') return finding;
  if (finding !== null && typeof finding === 'object') {
    const f = finding as Record<string, unknown>;
    const object =
      typeof f['kind'] === 'string' && typeof f['name'] === 'string'
        ? `${f['kind']} ${typeof f['namespace'] === 'string' && f['namespace'] ? `${f['namespace']}/` : ''}${f['name']}`
        : undefined;
    const path = typeof f['path'] === 'string' ? f['path'] : undefined;
    const message = typeof f['message'] === 'string' ? f['message'] : JSON.stringify(finding);
    return [object, path, message].filter(Boolean).join(': ');
  }
  return String(finding);
}

export function Findings({ title, items }: { title: string; items: unknown[] | undefined }) {
  if (!items || items.length === 0) return null;
  return (
    <section aria-label={title}>
      <h2>{title}</h2>
      <ul>
        {items.map((item, i) => (
          <li key={i}>{describeFinding(item)}</li>
        ))}
      </ul>
    </section>
  );
}

export function VersionTable({ versions }: { versions: Record<string, string> | undefined }) {
  if (!versions) return null;
  return (
    <table>
      <thead>
        <tr>
          <th>Type</th>
          <th>Version</th>
        </tr>
      </thead>
      <tbody>
        {Object.entries(versions).map(([type, version]) => (
          <tr key={type}>
            <td>{type}</td>
            <td class="mono" title={version}>
              {shortVersion(version)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** First 8 characters of a version; "—" before the first. */
export function shortVersion(version: string | undefined): string {
  return version ? version.slice(0, 8) : '—';
}
