// One object's page: its spec as YAML and metadata, its status per parent or ancestor,
// the policies in force on it and where they come from, the data planes it reaches,
// and (for those allowed to write it) the YAML editor.
import { useState } from 'preact/hooks';
import { stringify } from 'yaml';
import type { ApiObject } from '@crossway/client';
import { findKindInfo } from '@crossway/model';
import { ErrorBox, Loading } from '../../components/feedback';
import { dataPlaneHref, displayName, objectHref } from '../../links';
import { Link } from '../../router';
import { useSession } from '../../session';
import { useApi } from '../../use-api';
import { SyncBadge } from '../dataplanes/list';
import { syncStateOf } from '../dataplanes/sync';
import { ObjectEditor } from './edit';
import {
  affectedProxies,
  conditionGroups,
  describeRef,
  isFailing,
  POLICY_KINDS,
  policiesInForce,
  policyTarget,
  previewHref,
  proxyTargets,
  statusSummary,
  type Condition,
  type ObjectRef,
} from './relations';
import './objects.css';

function refHref(ref: ObjectRef): string {
  return objectHref(ref.kind, ref.namespace, ref.name);
}

export function ObjectPage({
  kind,
  namespace,
  name,
}: {
  kind: string;
  namespace?: string;
  name: string;
}) {
  const { client, canWrite } = useSession();
  const descriptor = findKindInfo(kind);
  const kindName = descriptor?.kind ?? kind;
  const title = `${kindName} ${displayName(namespace, name)}`;
  const object = useApi(
    () => client.get(kindName, name, namespace),
    [client, kindName, namespace, name],
  );
  const [editing, setEditing] = useState(false);
  // The object a save answered: newer than a read that raced it (or a cached one).
  const [saved, setSaved] = useState<ApiObject | undefined>(undefined);
  if (!descriptor)
    return (
      <section>
        <h1>{title}</h1>
        <ErrorBox error={new Error(`There is no kind "${kind}".`)} title="Unknown kind" />
      </section>
    );
  const data = newer(object.data, saved);
  return (
    <section class="object-page">
      <h1>{title}</h1>
      <p class="muted">
        <Link href={`/objects/${descriptor.plural}`}>All {descriptor.kind} objects</Link>
      </p>
      <ErrorBox error={object.error} />
      {object.loading && !data ? <Loading what={title} /> : null}
      {data ? (
        <>
          {canWrite(descriptor.kind, namespace) && !editing ? (
            <button type="button" onClick={() => setEditing(true)}>
              Edit
            </button>
          ) : null}
          {editing && canWrite(descriptor.kind, namespace) ? (
            <ObjectEditor
              object={data}
              onDone={() => setEditing(false)}
              onSaved={(o) => {
                setSaved(o);
                object.reload();
              }}
            />
          ) : null}
          <ObjectDetails object={data} />
          <StatusSection object={data} />
          {/* Keyed by revision: a saved change reloads what depends on it. */}
          <PoliciesSection key={data.metadata.resourceVersion} object={data} />
          <DataPlanesSection key={data.metadata.resourceVersion} object={data} />
        </>
      ) : null}
    </section>
  );
}

/** Of a read and a save's answer, the one with the higher resourceVersion. */
function newer(read: ApiObject | undefined, saved: ApiObject | undefined): ApiObject | undefined {
  if (!read || !saved) return read ?? saved;
  const version = (o: ApiObject) => Number(o.metadata.resourceVersion ?? 0);
  return version(saved) > version(read) ? saved : read;
}

function ObjectDetails({ object }: { object: ApiObject }) {
  const { metadata } = object;
  const status = (object.status ?? {}) as Record<string, unknown>;
  const keySha = typeof status['keySha256'] === 'string' ? status['keySha256'] : undefined;
  const labels = Object.entries(metadata.labels ?? {});
  const annotations = Object.entries(metadata.annotations ?? {});
  return (
    <div class="object-details">
      <h2>Metadata</h2>
      <dl class="meta">
        <dt>resourceVersion</dt>
        <dd>
          <code>{metadata.resourceVersion}</code>
        </dd>
        <dt>generation</dt>
        <dd>{metadata.generation ?? '—'}</dd>
        {metadata.creationTimestamp ? (
          <>
            <dt>created</dt>
            <dd>{metadata.creationTimestamp}</dd>
          </>
        ) : null}
        <dt>labels</dt>
        <dd>
          {labels.length === 0 ? <span class="muted">none</span> : null}
          {labels.map(([k, v]) => (
            <span key={k} class="badge">
              {k}={v}
            </span>
          ))}
        </dd>
        <dt>annotations</dt>
        <dd>
          {annotations.length === 0 ? <span class="muted">none</span> : null}
          {annotations.map(([k, v]) => (
            <div key={k}>
              <code>{k}</code>: {v}
            </div>
          ))}
        </dd>
      </dl>
      {object.kind === 'Secret' ? (
        <p class="secret-note">
          Private keys are never shown: the API does not return them.{' '}
          {keySha ? (
            <>
              Key SHA-256: <code data-testid="key-sha256">{keySha}</code>
            </>
          ) : (
            'This Secret holds no private key.'
          )}
        </p>
      ) : null}
      <h2>Spec</h2>
      <pre class="yaml-view" data-testid="spec-yaml">
        {stringify(object.spec ?? {})}
      </pre>
    </div>
  );
}

function ConditionRow({ c, generation }: { c: Condition; generation: number | undefined }) {
  const stale =
    generation !== undefined &&
    c.observedGeneration !== undefined &&
    c.observedGeneration < generation;
  const tone = isFailing(c) ? (c.status === 'Unknown' ? 'warn' : 'bad') : 'ok';
  return (
    <tr>
      <td>{c.type}</td>
      <td>
        <span class={`badge ${tone}`}>{c.status}</span>
      </td>
      <td>{c.reason ?? ''}</td>
      <td>{c.message ?? ''}</td>
      <td>
        {c.observedGeneration ?? '—'} / {generation ?? '—'}
        {stale ? (
          <>
            {' '}
            <span class="badge warn">stale</span>
          </>
        ) : null}
      </td>
    </tr>
  );
}

function StatusSection({ object }: { object: ApiObject }) {
  const groups = conditionGroups(object);
  const summary = statusSummary(object);
  const status = (object.status ?? {}) as Record<string, unknown>;
  const planes = status['dataPlanes'] as
    { acked?: number; nacked?: number; pending?: number } | undefined;
  return (
    <div class="object-status">
      <h2>
        Status <span class={`badge ${summary.tone}`}>{summary.text}</span>
      </h2>
      {planes ? (
        <p>
          Data planes: {planes.acked ?? 0} acked, {planes.nacked ?? 0} nacked, {planes.pending ?? 0}{' '}
          pending
        </p>
      ) : null}
      {groups.length === 0 ? <p class="muted">No status recorded yet.</p> : null}
      {groups.map((group) => (
        <div key={group.title} class="condition-group">
          <h3>{group.ref ? <Link href={refHref(group.ref)}>{group.title}</Link> : group.title}</h3>
          <table>
            <thead>
              <tr>
                <th>Type</th>
                <th>Status</th>
                <th>Reason</th>
                <th>Message</th>
                <th>Observed / current generation</th>
              </tr>
            </thead>
            <tbody>
              {group.conditions.map((c) => (
                <ConditionRow key={c.type} c={c} generation={object.metadata.generation} />
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </div>
  );
}

function PoliciesSection({ object }: { object: ApiObject }) {
  const { client } = useSession();
  const isPolicy = (POLICY_KINDS as readonly string[]).includes(object.kind);
  const policies = useApi(
    () =>
      isPolicy
        ? Promise.resolve([])
        : Promise.all(POLICY_KINDS.map((k) => client.listAll(k, { allNamespaces: true }))).then(
            (lists) => lists.flat(),
          ),
    [client, isPolicy],
  );
  if (isPolicy) {
    const target = policyTarget(object);
    return (
      <div class="object-policies">
        <h2>Target</h2>
        {target ? (
          <p>
            Attaches to{' '}
            {target.kind === 'Mesh' ? (
              describeRef(target)
            ) : (
              <Link href={refHref(target)}>{describeRef(target)}</Link>
            )}
          </p>
        ) : (
          <p class="muted">No targetRef.</p>
        )}
      </div>
    );
  }
  const inForce = policies.data ? policiesInForce(object, policies.data) : [];
  return (
    <div class="object-policies">
      <h2>Policies in force</h2>
      <ErrorBox error={policies.error} />
      {policies.loading && !policies.data ? <Loading what="policies" /> : null}
      {policies.data && inForce.length === 0 ? (
        <p class="muted">No policy attaches here, to a parent or to the Mesh.</p>
      ) : null}
      {inForce.length > 0 ? (
        <table>
          <thead>
            <tr>
              <th>Policy</th>
              <th>Kind</th>
              <th>Where it comes from</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {inForce.map((p) => {
              const status = statusSummary(p.policy);
              const { kind, metadata } = p.policy;
              return (
                <tr key={`${kind}/${metadata.namespace}/${metadata.name}`}>
                  <td>
                    <Link href={objectHref(kind, metadata.namespace, metadata.name)}>
                      {displayName(metadata.namespace, metadata.name)}
                    </Link>
                  </td>
                  <td>{kind}</td>
                  <td>
                    {p.via ? (
                      <>
                        inherited from <Link href={refHref(p.via)}>{describeRef(p.via)}</Link>
                      </>
                    ) : (
                      p.source
                    )}
                    {p.section ? <span class="muted"> (only {p.section})</span> : null}
                  </td>
                  <td>
                    <span class={`badge ${status.tone}`}>{status.text}</span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}

function DataPlanesSection({ object }: { object: ApiObject }) {
  const { client } = useSession();
  const proxies = useApi(() => client.proxies(), [client]);
  const affected = proxies.data ? affectedProxies(object, proxies.data) : [];
  const targets = proxyTargets(object);
  return (
    <div class="object-dataplanes">
      <h2>Affected data planes</h2>
      <ErrorBox error={proxies.error} />
      {proxies.loading && !proxies.data ? <Loading what="data planes" /> : null}
      {proxies.data && affected.length === 0 ? (
        <p class="muted">
          None connected.{' '}
          {targets
            .map((t) => ({ t, href: previewHref(t) }))
            .filter((x): x is { t: ObjectRef; href: string } => x.href !== undefined)
            .map(({ t, href }) => (
              <span key={href}>
                <Link href={href}>Preview the config of {describeRef(t)}</Link>{' '}
              </span>
            ))}
        </p>
      ) : null}
      {affected.length > 0 ? (
        <table>
          <thead>
            <tr>
              <th>Data plane</th>
              <th>Why</th>
              <th>Sync</th>
              <th>NACK</th>
            </tr>
          </thead>
          <tbody>
            {affected.map(({ proxy, why }) => (
              <tr key={proxy.id}>
                <td>
                  <Link href={dataPlaneHref(proxy.id)}>{proxy.id}</Link>
                </td>
                <td>{why}</td>
                <td>
                  <SyncBadge state={syncStateOf(proxy)} />
                </td>
                <td>{proxy.nack ? `${proxy.nack.type}: ${proxy.nack.error}` : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
