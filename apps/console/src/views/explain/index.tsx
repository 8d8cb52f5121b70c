// Explain: why a request goes where it goes. A form for an edge or mesh request
// (kept in the query string, so a link reproduces it and opening one runs it) and
// the API's answer: the matched rule, the rules it beat, policies, the authorization
// verdict, backends and the Envoy names.
import { CrosswayApiError } from '@crossway/client';
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ErrorBox, Loading } from '../../components/feedback';
import { displayName, objectHref } from '../../links';
import { Link, navigate, useLocation } from '../../router';
import { useSession } from '../../session';
import { useApi } from '../../use-api';
import {
  buildRequest,
  fieldOfPath,
  formFromQuery,
  METHODS,
  queryIsRunnable,
  queryOf,
  type ExplainForm,
  type FieldErrors,
} from './request';
import './explain.css';

interface RouteRef {
  kind: string;
  namespace?: string;
  name: string;
}
interface RuleHit {
  route: RouteRef;
  rule: number;
  match: number;
  entry: string;
}
interface ExplainPolicy {
  kind: string;
  namespace: string;
  name: string;
  fields: string[];
  targetRef: { kind: string; name: string; sectionName?: string };
}
/** The answer of POST /api/v1/explain (docs/api.md "Explain"). */
export interface ExplainResult {
  matched: RuleHit | null;
  beaten: RuleHit[];
  response?: { status: number; redirect?: string };
  policies: ExplainPolicy[];
  authorization: {
    verdict: string;
    reason: string;
    by?: { kind: string; namespace?: string; name: string; rule?: number };
  };
  backends: { service: string; port: number; weight: number }[];
  envoy: Record<string, string | string[] | undefined>;
  revision: string;
}

type Outcome =
  | { state: 'idle' }
  | { state: 'running' }
  | { state: 'done'; result: ExplainResult }
  | { state: 'failed'; error: unknown; fieldErrors: FieldErrors; unmapped: boolean };

export function ExplainView() {
  const { client } = useSession();
  const { query } = useLocation();
  const queryText = query.toString();
  const [form, setForm] = useState<ExplainForm>(() => formFromQuery(query));
  const [outcome, setOutcome] = useState<Outcome>({ state: 'idle' });
  const choices = useApi(async () => {
    const [gateways, services] = await Promise.all([
      client.listAll('Gateway', { allNamespaces: true }),
      client.listAll('Service', { allNamespaces: true }),
    ]);
    const key = (o: { metadata: { namespace?: string; name: string } }) =>
      displayName(o.metadata.namespace, o.metadata.name);
    return { gateways: gateways.map(key).sort(), services: services.map(key).sort() };
  }, [client]);

  // Only the latest request's answer is shown: an older one arriving late (after a
  // quick second submit or a link opened meanwhile) is dropped, as is any after unmount.
  const latest = useRef(0);
  useEffect(
    () => () => {
      latest.current = -1;
    },
    [],
  );
  const run = (request: ExplainForm) => {
    const mine = ++latest.current;
    const built = buildRequest(request);
    if (!built.ok) {
      setOutcome({ state: 'failed', error: undefined, fieldErrors: built.errors, unmapped: false });
      return;
    }
    setOutcome({ state: 'running' });
    client.explain(built.body).then(
      (result) => {
        if (mine === latest.current)
          setOutcome({ state: 'done', result: result as unknown as ExplainResult });
      },
      (error: unknown) => {
        if (mine !== latest.current) return;
        const fieldErrors: FieldErrors = {};
        let unmapped = false;
        if (error instanceof CrosswayApiError && error.status === 422) {
          for (const e of error.errors) {
            const field = fieldOfPath(e.path);
            if (field) (fieldErrors[field] ??= []).push(e.message);
            else unmapped = true;
          }
        }
        setOutcome({ state: 'failed', error, fieldErrors, unmapped });
      },
    );
  };

  // The query string is the request: opening a link (or submitting) runs it.
  useEffect(() => {
    const fromQuery = formFromQuery(query);
    setForm(fromQuery);
    if (queryIsRunnable(query)) run(fromQuery);
    else setOutcome({ state: 'idle' });
  }, [queryText]);

  // Until the operator picks one, the first Gateway / Service is the default.
  useEffect(() => {
    const data = choices.data;
    if (!data) return;
    setForm((f) => ({
      ...f,
      gateway: f.gateway || (data.gateways[0] ?? ''),
      source: f.source || (data.services[0] ?? ''),
    }));
  }, [choices.data]);

  const set = <K extends keyof ExplainForm>(key: K, value: ExplainForm[K]) =>
    setForm((f) => ({ ...f, [key]: value }));
  const fieldErrors = outcome.state === 'failed' ? outcome.fieldErrors : {};

  return (
    <section class="explain">
      <h1>Explain</h1>
      <form
        class="explain-form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const next = queryOf(form);
          // Same request again: the query does not change, so run it here.
          if (next === queryText) run(form);
          else navigate(`/explain?${next}`);
        }}
      >
        <div class="explain-grid">
          <SelectField
            id="explain-mode"
            label="Mode"
            value={form.mode}
            onValue={(v) => set('mode', v === 'mesh' ? 'mesh' : 'edge')}
          >
            <option value="edge">Edge (through a Gateway)</option>
            <option value="mesh">Mesh (from a Service)</option>
          </SelectField>
          {form.mode === 'edge' ? (
            <SelectField
              id="explain-gateway"
              label="Gateway"
              value={form.gateway}
              errors={fieldErrors.gateway}
              onValue={(v) => set('gateway', v)}
            >
              <Choices values={choices.data?.gateways} current={form.gateway} />
            </SelectField>
          ) : (
            <>
              <SelectField
                id="explain-source"
                label="Source Service"
                value={form.source}
                errors={fieldErrors.source}
                onValue={(v) => set('source', v)}
              >
                <Choices values={choices.data?.services} current={form.source} />
              </SelectField>
              <SelectField
                id="explain-role"
                label="Role"
                value={form.role}
                errors={fieldErrors.role}
                onValue={(v) => set('role', v === 'proxyless' ? 'proxyless' : 'sidecar')}
              >
                <option value="sidecar">sidecar</option>
                <option value="proxyless">proxyless</option>
              </SelectField>
            </>
          )}
          <TextField
            id="explain-host"
            label="Host"
            value={form.host}
            placeholder={form.mode === 'edge' ? 'shop.example.com' : 'payments.payments'}
            errors={fieldErrors.host}
            onValue={(v) => set('host', v)}
          />
          <TextField
            id="explain-port"
            label="Port (optional)"
            value={form.port}
            inputMode="numeric"
            errors={fieldErrors.port}
            onValue={(v) => set('port', v)}
          />
          <TextField
            id="explain-path"
            label="Path"
            value={form.path}
            errors={fieldErrors.path}
            onValue={(v) => set('path', v)}
          />
          <SelectField
            id="explain-method"
            label="Method"
            value={form.method}
            errors={fieldErrors.method}
            onValue={(v) => set('method', v)}
          >
            {METHODS.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </SelectField>
          <Field
            id="explain-headers"
            label="Headers (one “name: value” per line)"
            errors={fieldErrors.headers}
            wide
          >
            <textarea
              id="explain-headers"
              rows={3}
              value={form.headers}
              placeholder="x-canary: 1"
              {...invalid(fieldErrors.headers)}
              onInput={(e) => set('headers', e.currentTarget.value)}
            />
          </Field>
          {form.mode === 'edge' ? (
            <div class="explain-check">
              <input
                id="explain-tls"
                type="checkbox"
                checked={form.tls}
                onChange={(e) => set('tls', e.currentTarget.checked)}
              />
              <label for="explain-tls">TLS (HTTPS listener)</label>
              <FieldErrorList id="explain-tls" errors={fieldErrors.tls} />
            </div>
          ) : null}
        </div>
        <button type="submit" disabled={outcome.state === 'running'}>
          Explain
        </button>
      </form>
      {choices.error ? <ErrorBox error={choices.error} title="Could not list Gateways" /> : null}
      {outcome.state === 'running' ? <Loading what="the explanation" /> : null}
      {outcome.state === 'failed' &&
      outcome.error !== undefined &&
      (!(outcome.error instanceof CrosswayApiError && outcome.error.status === 422) ||
        outcome.unmapped) ? (
        <ErrorBox error={outcome.error} />
      ) : null}
      {outcome.state === 'done' ? <ExplainAnswer result={outcome.result} /> : null}
    </section>
  );
}

function invalid(errors: string[] | undefined): Record<string, string> {
  return errors && errors.length > 0 ? { 'aria-invalid': 'true' } : {};
}

function Choices({ values, current }: { values: string[] | undefined; current: string }) {
  // Keep a value from a link even when it is not (or not yet) in the list.
  const all = values ?? [];
  const options = current && !all.includes(current) ? [current, ...all] : all;
  return (
    <>
      {options.map((v) => (
        <option key={v} value={v}>
          {v}
        </option>
      ))}
    </>
  );
}

function Field(props: {
  id: string;
  label: string;
  errors?: string[] | undefined;
  wide?: boolean;
  children: ComponentChildren;
}) {
  return (
    <div class={`explain-field${props.wide ? ' wide' : ''}`}>
      <label for={props.id}>{props.label}</label>
      {props.children}
      <FieldErrorList id={props.id} errors={props.errors} />
    </div>
  );
}

/** A labelled text input with its field errors. */
function TextField(props: {
  id: string;
  label: string;
  value: string;
  errors: string[] | undefined;
  placeholder?: string;
  inputMode?: 'numeric';
  onValue: (value: string) => void;
}) {
  return (
    <Field id={props.id} label={props.label} errors={props.errors}>
      <input
        id={props.id}
        value={props.value}
        {...(props.placeholder === undefined ? {} : { placeholder: props.placeholder })}
        {...(props.inputMode === undefined ? {} : { inputMode: props.inputMode })}
        {...invalid(props.errors)}
        onInput={(e) => props.onValue(e.currentTarget.value)}
      />
    </Field>
  );
}

/** A labelled select with its field errors; the options are the children. */
function SelectField(props: {
  id: string;
  label: string;
  value: string;
  errors?: string[] | undefined;
  onValue: (value: string) => void;
  children: ComponentChildren;
}) {
  return (
    <Field id={props.id} label={props.label} errors={props.errors}>
      <select
        id={props.id}
        value={props.value}
        {...invalid(props.errors)}
        onChange={(e) => props.onValue(e.currentTarget.value)}
      >
        {props.children}
      </select>
    </Field>
  );
}

function FieldErrorList({ id, errors }: { id: string; errors?: string[] | undefined }) {
  if (!errors || errors.length === 0) return null;
  return (
    <>
      {errors.map((message) => (
        <div class="field-error" key={message} data-field={id}>
          {message}
        </div>
      ))}
    </>
  );
}

function routeLabel(route: RouteRef): string {
  return `${route.kind} ${displayName(route.namespace, route.name)}`;
}

function RouteLink({ route }: { route: RouteRef }) {
  return (
    <Link href={objectHref(route.kind, route.namespace, route.name)}>{routeLabel(route)}</Link>
  );
}

/** "ns/name" of the API's answers as a Service page link. */
function ServiceLink({ service }: { service: string }) {
  const slash = service.indexOf('/');
  const namespace = slash < 0 ? undefined : service.slice(0, slash);
  const name = slash < 0 ? service : service.slice(slash + 1);
  return <Link href={objectHref('Service', namespace, name)}>{service}</Link>;
}

/** Route rules (the matched one or those it beat), one row each. */
function HitTable({ hits, rowTestId }: { hits: RuleHit[]; rowTestId?: string }) {
  return (
    <table>
      <thead>
        <tr>
          <th>Route</th>
          <th>Rule</th>
          <th>Match</th>
          <th>Entry</th>
        </tr>
      </thead>
      <tbody>
        {hits.map((hit) => (
          <tr key={hit.entry} {...(rowTestId === undefined ? {} : { 'data-testid': rowTestId })}>
            <td>
              <RouteLink route={hit.route} />
              {hit.route.kind === 'Service' ? <span class="muted"> (default route)</span> : null}
            </td>
            <td>{hit.rule}</td>
            <td>{hit.match}</td>
            <td>
              <code>{hit.entry}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ExplainAnswer({ result }: { result: ExplainResult }) {
  const { matched, response, authorization } = result;
  const allowed = authorization.verdict.toUpperCase() === 'ALLOW';
  const envoyRows = Object.entries(result.envoy).filter(([, v]) => v !== undefined);
  return (
    <div class="explain-answer" data-testid="explain-answer">
      <h2>Matched rule</h2>
      {matched ? (
        <HitTable hits={[matched]} rowTestId="explain-matched" />
      ) : (
        <p class="explain-nomatch">
          <strong>No route matched.</strong>
        </p>
      )}
      {response ? (
        <p class="explain-response">
          The data plane answers{' '}
          <span class={`badge ${response.status >= 400 ? 'bad' : 'warn'}`}>{response.status}</span>
          {response.redirect ? (
            <>
              {' '}
              redirecting to <code>{response.redirect}</code>
            </>
          ) : null}
        </p>
      ) : null}

      <h2>Authorization</h2>
      <p>
        <span class={`badge ${allowed ? 'ok' : 'bad'}`} data-testid="explain-verdict">
          {allowed ? 'allow' : 'deny'}
        </span>{' '}
        <span class="muted">reason</span> {authorization.reason}
        {authorization.by ? (
          <>
            {' '}
            <span class="muted">by</span>{' '}
            <Link
              href={objectHref(
                authorization.by.kind,
                authorization.by.namespace,
                authorization.by.name,
              )}
            >
              {authorization.by.kind}{' '}
              {displayName(authorization.by.namespace, authorization.by.name)}
            </Link>
            {authorization.by.rule !== undefined ? ` rule ${authorization.by.rule}` : ''}
          </>
        ) : null}
      </p>

      <h2>Backends</h2>
      {result.backends.length === 0 ? (
        <p class="muted">No backends (the rule answers by itself).</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Service</th>
              <th>Port</th>
              <th>Weight</th>
            </tr>
          </thead>
          <tbody>
            {result.backends.map((b) => (
              <tr key={`${b.service}:${b.port}`}>
                <td>
                  <ServiceLink service={b.service} />
                </td>
                <td>{b.port}</td>
                <td>{b.weight}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>Policies applied</h2>
      {result.policies.length === 0 ? (
        <p class="muted">No policy applies to this request.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Policy</th>
              <th>Target</th>
              <th>Sets</th>
            </tr>
          </thead>
          <tbody>
            {result.policies.map((p) => (
              <tr key={`${p.kind}/${p.namespace}/${p.name}`}>
                <td>
                  <Link href={objectHref(p.kind, p.namespace, p.name)}>
                    {p.kind} {displayName(p.namespace, p.name)}
                  </Link>
                </td>
                <td>
                  {p.targetRef.kind} {p.targetRef.name}
                  {p.targetRef.sectionName ? ` (${p.targetRef.sectionName})` : ''}
                </td>
                <td>
                  {p.fields.map((f) => (
                    <code key={f} class="explain-field-name">
                      {f}
                    </code>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>Rules it beat</h2>
      {result.beaten.length === 0 ? (
        <p class="muted">No other rule matches this request.</p>
      ) : (
        <>
          <p class="muted">
            These rules match too but lose by precedence: the more specific match wins (exact path
            over longer prefix over shorter, then method, then more headers, then more query
            parameters), then the older route, then namespace/name, then rule order.
          </p>
          <HitTable hits={result.beaten} />
        </>
      )}

      <details class="explain-envoy">
        <summary>Envoy names</summary>
        <dl>
          {envoyRows.map(([key, value]) => (
            <div key={key}>
              <dt>{key}</dt>
              <dd>
                <code>{Array.isArray(value) ? value.join(', ') : value}</code>
              </dd>
            </div>
          ))}
        </dl>
        <p class="muted">Computed at store revision {result.revision}.</p>
      </details>
    </div>
  );
}
