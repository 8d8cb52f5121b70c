// /preview?role=..&gateway=..|service=..[&workload=..]: what a data plane of a role and
// target would be sent now, with no proxy connected. The form writes the query string.
import type { PreviewQuery } from '@crossway/client';
import { useEffect, useState } from 'preact/hooks';
import { ErrorBox, Loading } from '../../components/feedback';
import { navigate, useLocation } from '../../router';
import { useSession } from '../../session';
import { useApi } from '../../use-api';
import { Findings, ResourceViewer, VersionTable } from './resources';
import { ROLES } from './sync';
import './dataplanes.css';

type Role = PreviewQuery['role'];

function isRole(value: string | null): value is Role {
  return (ROLES as readonly string[]).includes(value ?? '');
}

/** The preview query in the URL, or undefined before the form was sent. */
function queryOf(params: URLSearchParams): PreviewQuery | undefined {
  const role = params.get('role');
  if (role === null) return undefined;
  const query: Record<string, string> = { role };
  for (const key of ['gateway', 'service', 'workload'] as const) {
    const value = params.get(key);
    if (value) query[key] = value;
  }
  // A bad role still goes to the API, which names the field in its 422.
  return query as unknown as PreviewQuery;
}

function refsOf(items: { metadata: { namespace?: string; name: string } }[]): string[] {
  return items.map((o) => `${o.metadata.namespace ?? 'default'}/${o.metadata.name}`).sort();
}

export function PreviewPage() {
  const { client } = useSession();
  const { query } = useLocation();
  const search = query.toString();
  const asked = queryOf(query);

  const [role, setRole] = useState<string>(query.get('role') ?? 'edge');
  const [gateway, setGateway] = useState(query.get('gateway') ?? '');
  const [service, setService] = useState(query.get('service') ?? '');
  const [workload, setWorkload] = useState(query.get('workload') ?? '');
  // Back/forward changes the URL: the form follows it.
  useEffect(() => {
    setRole(query.get('role') ?? 'edge');
    setGateway(query.get('gateway') ?? '');
    setService(query.get('service') ?? '');
    setWorkload(query.get('workload') ?? '');
  }, [search]);

  const targets = useApi(async () => {
    const [gateways, services] = await Promise.all([
      client.listAll('Gateway', { allNamespaces: true, limit: 500 }),
      client.listAll('Service', { allNamespaces: true, limit: 500 }),
    ]);
    return { gateways: refsOf(gateways), services: refsOf(services) };
  }, [client]);

  const preview = useApi(async () => (asked ? client.preview(asked) : undefined), [client, search]);

  const submit = (event: Event) => {
    event.preventDefault();
    const next = new URLSearchParams({ role });
    if (role === 'edge' && gateway) next.set('gateway', gateway);
    if (role !== 'edge' && service) next.set('service', service);
    if (role === 'sidecar' && workload.trim()) next.set('workload', workload.trim());
    navigate(`/preview?${next.toString()}`);
  };

  const answer = preview.data;
  return (
    <section class="preview">
      <h1>Preview</h1>
      <p class="muted">
        The configuration a data plane of this role and target would get now, computed from the
        stored objects. No proxy needs to be connected.
      </p>
      <form class="row filters" onSubmit={submit}>
        <label for="preview-role">Role</label>
        <select id="preview-role" value={role} onChange={(e) => setRole(e.currentTarget.value)}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
          {isRole(role) ? null : <option value={role}>{role}</option>}
        </select>
        {role === 'edge' ? (
          <>
            <label for="preview-gateway">Gateway</label>
            <select
              id="preview-gateway"
              value={gateway}
              onChange={(e) => setGateway(e.currentTarget.value)}
            >
              <option value="">(choose)</option>
              {withCurrent(targets.data?.gateways, gateway).map((g) => (
                <option key={g} value={g}>
                  {g}
                </option>
              ))}
            </select>
          </>
        ) : (
          <>
            <label for="preview-service">Service</label>
            <select
              id="preview-service"
              value={service}
              onChange={(e) => setService(e.currentTarget.value)}
            >
              <option value="">
                {role === 'proxyless' ? '(none: a pure client)' : '(choose)'}
              </option>
              {withCurrent(targets.data?.services, service).map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </>
        )}
        {role === 'sidecar' ? (
          <>
            <label for="preview-workload">Workload (optional)</label>
            <input
              id="preview-workload"
              value={workload}
              onInput={(e) => setWorkload(e.currentTarget.value)}
            />
          </>
        ) : null}
        <button type="submit">Preview</button>
      </form>
      <ErrorBox error={targets.error} title="Could not list Gateways and Services" />
      <ErrorBox error={preview.error} />
      {asked === undefined ? (
        <p class="muted">Choose a role and a target.</p>
      ) : preview.loading && !answer ? (
        <Loading what="the preview" />
      ) : answer ? (
        <PreviewAnswer answer={answer} />
      ) : null}
    </section>
  );
}

/** The options, plus the value in the URL if the lists do not have it (yet). */
function withCurrent(options: string[] | undefined, current: string): string[] {
  const list = options ?? [];
  return current && !list.includes(current) ? [current, ...list] : list;
}

function PreviewAnswer({ answer }: { answer: Record<string, unknown> }) {
  const resources = (answer['resources'] ?? {}) as Record<string, unknown[]>;
  const versions = answer['versions'] as Record<string, string> | undefined;
  const target = (answer['gateway'] ?? answer['service']) as string | undefined;
  return (
    <>
      <p data-testid="preview-of">
        <strong>{String(answer['role'])}</strong>
        {target ? ` of ${target}` : ''}, revision {String(answer['revision'] ?? '')}
      </p>
      <h2>Versions</h2>
      <VersionTable versions={versions} />
      <Findings title="Problems" items={answer['problems'] as unknown[] | undefined} />
      <Findings
        title="Unsupported for this role"
        items={answer['unsupportedForRole'] as unknown[] | undefined}
      />
      <ResourceViewer resources={resources} />
    </>
  );
}
