// /dataplanes/:id: one proxy's versions (ACKed, sent, current), its last NACK with the
// objects behind it, and the config it gets now. A proxy that went away answers 404.
import { CrosswayApiError, type ProxyConfig } from '@crossway/client';
import { findKindInfo } from '@crossway/model';
import { ErrorBox, Loading } from '../../components/feedback';
import { objectHref } from '../../links';
import { Link } from '../../router';
import { useSession } from '../../session';
import { useApi } from '../../use-api';
import { REFRESH_MS, TargetLink, useInterval } from './list';
import { Findings, ResourceViewer, shortVersion, XDS_TYPES } from './resources';
import { lastSeenProxy, previewHref, rememberProxies } from './sync';
import './dataplanes.css';

/** "Service shop/catalog" -> a link to its page; anything else stays text. */
export function ObjectRefLink({ text }: { text: string }) {
  const [, kindName = '', namespace, name = ''] = /^(\S+) (?:([^/\s]+)\/)?(\S+)$/.exec(text) ?? [];
  const kind = findKindInfo(kindName);
  if (!kind || name === '') return <span>{text}</span>;
  return <Link href={objectHref(kind.kind, namespace, name)}>{text}</Link>;
}

function UpToDateBadge({ ok, what }: { ok: boolean | undefined; what: string }) {
  if (ok === undefined) return <span class="muted">—</span>;
  return (
    <span class={`badge ${ok ? 'ok' : 'warn'}`}>
      {what} {ok ? 'current' : 'old'}
    </span>
  );
}

function Gone({ id }: { id: string }) {
  const last = lastSeenProxy(id);
  return (
    <div class="error-box" role="alert">
      <strong>Data plane {id} is not connected</strong>
      <p>
        It disconnected, or never connected to this control plane.{' '}
        <Link href="/dataplanes">Back to the data planes</Link>.{' '}
        {last ? (
          <Link href={previewHref(last)}>Preview what its target gets</Link>
        ) : (
          <Link href="/preview">Preview a target</Link>
        )}
        .
      </p>
    </div>
  );
}

function ConfigDetails({ config }: { config: ProxyConfig }) {
  const { proxy } = config;
  const types = [
    ...XDS_TYPES,
    ...Object.keys(config.versions).filter((t) => !(XDS_TYPES as readonly string[]).includes(t)),
  ];
  return (
    <>
      <table class="dataplane-facts">
        <tbody>
          <tr>
            <th>Role</th>
            <td>{proxy.role}</td>
          </tr>
          <tr>
            <th>Target</th>
            <td>
              <TargetLink proxy={proxy} />
              {proxy.workload ? <span class="muted"> (workload {proxy.workload})</span> : null}
            </td>
          </tr>
          <tr>
            <th>Instance</th>
            <td class="mono">{proxy.instance}</td>
          </tr>
          <tr>
            <th>Stream</th>
            <td class="mono">
              {typeof proxy.stream === 'string' ? proxy.stream : JSON.stringify(proxy.stream ?? '')}
            </td>
          </tr>
          <tr>
            <th>Connected since</th>
            <td>
              <time dateTime={proxy.connectedAt}>
                {new Date(proxy.connectedAt).toLocaleString()}
              </time>
            </td>
          </tr>
          <tr>
            <th>In sync</th>
            <td>
              <span class={`badge ${config.inSync ? 'ok' : 'warn'}`} data-testid="in-sync">
                {config.inSync ? 'in sync' : 'not in sync'}
              </span>{' '}
              <Link href={previewHref(proxy)}>Preview its target</Link>
            </td>
          </tr>
        </tbody>
      </table>
      <h2>Versions</h2>
      <table>
        <thead>
          <tr>
            <th>Type</th>
            <th>ACKed</th>
            <th>Sent</th>
            <th>Current</th>
            <th>Sent is current</th>
            <th>ACKed is current</th>
          </tr>
        </thead>
        <tbody>
          {types.map((t) => (
            <tr key={t}>
              <td>{t}</td>
              <td class="mono" title={proxy.versions[t] ?? ''}>
                {shortVersion(proxy.versions[t])}
              </td>
              <td class="mono" title={proxy.sent[t] ?? ''}>
                {shortVersion(proxy.sent[t])}
              </td>
              <td class="mono" title={config.versions[t] ?? ''}>
                {shortVersion(config.versions[t])}
              </td>
              <td>
                <UpToDateBadge ok={config.upToDate[t]?.sent} what="sent" />
              </td>
              <td>
                <UpToDateBadge ok={config.upToDate[t]?.acked} what="ACKed" />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {proxy.nack ? (
        <section class="panel" aria-label="Last NACK">
          <h2>
            Last NACK <span class="badge bad">NACKed</span>
          </h2>
          <p>
            <strong>{proxy.nack.type}</strong> at{' '}
            <time dateTime={proxy.nack.at}>{new Date(proxy.nack.at).toLocaleString()}</time>
          </p>
          <pre class="nack-error">{proxy.nack.error}</pre>
          {proxy.nack.objects && proxy.nack.objects.length > 0 ? (
            <>
              <h3>Objects behind the rejected resources</h3>
              <ul>
                {proxy.nack.objects.map((o, i) => (
                  <li key={i}>
                    <ObjectRefLink text={typeof o === 'string' ? o : JSON.stringify(o)} />
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </section>
      ) : null}
      <Findings title="Problems" items={config.problems} />
      <ResourceViewer resources={config.resources} />
    </>
  );
}

export function DataPlanePage({ id }: { id: string }) {
  const { client } = useSession();
  const config = useApi(async () => {
    const answer = await client.proxyConfig(id);
    rememberProxies([answer.proxy]);
    return answer;
  }, [client, id]);
  useInterval(config.reload, REFRESH_MS);
  const gone = config.error instanceof CrosswayApiError && config.error.status === 404;
  return (
    <section class="dataplane">
      <h1>{id}</h1>
      <p>
        <Link href="/dataplanes">All data planes</Link>{' '}
        <button type="button" class="secondary" onClick={config.reload}>
          Refresh
        </button>
      </p>
      {gone ? <Gone id={id} /> : <ErrorBox error={config.error} />}
      {config.data ? (
        <ConfigDetails config={config.data} />
      ) : config.error ? null : (
        <Loading what="the data plane" />
      )}
    </section>
  );
}
