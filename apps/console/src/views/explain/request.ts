// The Explain form's state, kept in the query string so a link reproduces an
// explanation, and its conversion to a POST /api/v1/explain body with the checks the
// API cannot make for us (a header line is text here, an object there).

export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

export interface ExplainForm {
  mode: 'edge' | 'mesh';
  gateway: string;
  source: string;
  role: 'sidecar' | 'proxyless';
  host: string;
  port: string;
  path: string;
  method: string;
  /** One "name: value" per line. */
  headers: string;
  tls: boolean;
}

export type FormField =
  'gateway' | 'source' | 'role' | 'host' | 'port' | 'path' | 'method' | 'headers' | 'tls';
export const FORM_FIELDS: readonly FormField[] = [
  'gateway',
  'source',
  'role',
  'host',
  'port',
  'path',
  'method',
  'headers',
  'tls',
];

export const EMPTY_FORM: ExplainForm = {
  mode: 'edge',
  gateway: '',
  source: '',
  role: 'sidecar',
  host: '',
  port: '',
  path: '/',
  method: 'GET',
  headers: '',
  tls: false,
};

/** The form a query string describes; a `source` makes it a mesh request. */
export function formFromQuery(query: URLSearchParams): ExplainForm {
  const source = query.get('source') ?? '';
  return {
    mode: source ? 'mesh' : 'edge',
    gateway: query.get('gateway') ?? '',
    source,
    role: query.get('role') === 'proxyless' ? 'proxyless' : 'sidecar',
    host: query.get('host') ?? '',
    port: query.get('port') ?? '',
    path: query.get('path') ?? EMPTY_FORM.path,
    method: query.get('method') ?? EMPTY_FORM.method,
    headers: query.get('headers') ?? '',
    tls: query.get('tls') === '1',
  };
}

/** Whether the query string names a request to run (opening such a link runs it). */
export function queryIsRunnable(query: URLSearchParams): boolean {
  return (query.has('gateway') || query.has('source')) && query.has('host');
}

/** The query string of a form (only the fields its mode uses). */
export function queryOf(form: ExplainForm): string {
  const q = new URLSearchParams();
  if (form.mode === 'edge') q.set('gateway', form.gateway);
  else {
    q.set('source', form.source);
    q.set('role', form.role);
  }
  q.set('host', form.host);
  if (form.port.trim()) q.set('port', form.port.trim());
  q.set('path', form.path);
  q.set('method', form.method);
  if (form.headers.trim()) q.set('headers', form.headers);
  if (form.mode === 'edge' && form.tls) q.set('tls', '1');
  return q.toString();
}

export type FieldErrors = Partial<Record<FormField, string[]>>;

export type BuiltRequest =
  { ok: true; body: Record<string, unknown> } | { ok: false; errors: FieldErrors };

/** The API body of a form, or the errors of the fields only the console can check. */
export function buildRequest(form: ExplainForm): BuiltRequest {
  const errors: FieldErrors = {};
  const body: Record<string, unknown> =
    form.mode === 'edge' ? { gateway: form.gateway } : { source: form.source, role: form.role };
  if (form.mode === 'edge' && !form.gateway) errors.gateway = ['pick a Gateway'];
  if (form.mode === 'mesh' && !form.source) errors.source = ['pick the calling Service'];
  body['host'] = form.host.trim();
  body['path'] = form.path;
  body['method'] = form.method;
  const port = form.port.trim();
  if (port) {
    if (!/^\d{1,5}$/.test(port)) errors.port = ['must be a port number from 1 to 65535'];
    else body['port'] = Number(port);
  }
  const headers: Record<string, string> = {};
  const headerErrors: string[] = [];
  form.headers.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const colon = line.indexOf(':');
    const name = colon < 0 ? '' : line.slice(0, colon).trim();
    if (colon < 0 || name === '' || /\s/.test(name)) {
      headerErrors.push(`line ${index + 1}: expected "name: value", got "${line.trim()}"`);
      return;
    }
    headers[name.toLowerCase()] = line.slice(colon + 1).trim();
  });
  if (headerErrors.length > 0) errors.headers = headerErrors;
  if (Object.keys(headers).length > 0) body['headers'] = headers;
  if (form.mode === 'edge' && form.tls) body['tls'] = true;
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, body };
}

/** The form field an API error path ("host", "headers.x-a", "port") belongs to. */
export function fieldOfPath(path: string): FormField | undefined {
  const head = path.split(/[.[/]/)[0] ?? '';
  return (FORM_FIELDS as readonly string[]).includes(head) ? (head as FormField) : undefined;
}
