// CrosswayClient: the typed API client used by the CLI, tests and consoles. Kinds are
// named by any of their model names (Kind, plural, singular, short name).
import { findKindInfo, type KindInfo } from '@crossway/model';
import { CrosswayApiError } from './errors';
import { Http, type FetchFn } from './http';
import { parseSse } from './sse';
import type {
  ApiObject,
  ApplyAnswer,
  ApplyOptions,
  SignedCertificate,
  ListOptions,
  ObjectList,
  PreviewQuery,
  ProxyConfig,
  ProxyInfo,
  SyncStatus,
  CaRotation,
  TokenCreate,
  TrustBundleInfo,
  WatchEvent,
  WhoAmI,
} from './types';

export interface ClientOptions {
  server: string;
  token?: string;
  fetch?: FetchFn;
  timeoutMs?: number;
  retryDelayMs?: number;
}

/** The kind descriptor for a user-given name; a CrosswayApiError-like usage error otherwise. */
export function kindOf(name: string): KindInfo {
  const descriptor = findKindInfo(name);
  if (!descriptor) throw new UnknownKindError(name);
  return descriptor;
}

export class UnknownKindError extends Error {
  constructor(readonly kindName: string) {
    super(`unknown kind "${kindName}"`);
    this.name = 'UnknownKindError';
  }
}

const enc = encodeURIComponent;

export class CrosswayClient {
  private readonly http: Http;
  readonly server: string;

  constructor(options: ClientOptions) {
    this.server = options.server;
    this.http = new Http(options);
  }

  private collectionPath(kind: KindInfo, namespace: string | undefined): string {
    if (kind.scope === 'Cluster' || namespace === undefined) return `/api/v1/${kind.plural}`;
    return `/api/v1/namespaces/${enc(namespace)}/${kind.plural}`;
  }

  private itemPath(kind: KindInfo, name: string, namespace = 'default'): string {
    return `${this.collectionPath(kind, namespace)}/${enc(name)}`;
  }

  list(kind: string, options: ListOptions = {}): Promise<ObjectList> {
    const d = kindOf(kind);
    const namespace = options.allNamespaces ? undefined : (options.namespace ?? 'default');
    return this.http.json({
      method: 'GET',
      path: this.collectionPath(d, namespace),
      query: {
        labelSelector: options.labelSelector,
        limit: options.limit,
        continue: options.continue,
      },
    });
  }

  /** Every page of a list. */
  async listAll(kind: string, options: ListOptions = {}): Promise<ApiObject[]> {
    const items: ApiObject[] = [];
    let next: string | undefined;
    do {
      const page = await this.list(kind, {
        ...options,
        ...(next === undefined ? {} : { continue: next }),
      });
      items.push(...page.items);
      next = page.metadata.continue;
    } while (next);
    return items;
  }

  get(kind: string, name: string, namespace?: string): Promise<ApiObject> {
    return this.http.json({ method: 'GET', path: this.itemPath(kindOf(kind), name, namespace) });
  }

  create(object: ApiObject): Promise<ApiObject> {
    const d = kindOf(object.kind);
    return this.http.json({
      method: 'POST',
      path: this.collectionPath(d, object.metadata.namespace ?? 'default'),
      json: object,
    });
  }

  update(object: ApiObject): Promise<ApiObject> {
    const d = kindOf(object.kind);
    return this.http.json({
      method: 'PUT',
      path: this.itemPath(d, object.metadata.name, object.metadata.namespace),
      json: object,
    });
  }

  /** JSON merge patch (RFC 7386). */
  patch(kind: string, name: string, patch: unknown, namespace?: string): Promise<ApiObject> {
    return this.http.json({
      method: 'PATCH',
      path: this.itemPath(kindOf(kind), name, namespace),
      json: patch,
      headers: { 'content-type': 'application/merge-patch+json' },
    });
  }

  delete(kind: string, name: string, namespace?: string): Promise<ApiObject> {
    return this.http.json({ method: 'DELETE', path: this.itemPath(kindOf(kind), name, namespace) });
  }

  /** POST /api/v1/apply with a list of objects or a YAML text. */
  apply(objects: unknown[] | string, options: ApplyOptions = {}): Promise<ApplyAnswer> {
    return this.http.json({
      method: 'POST',
      path: '/api/v1/apply',
      query: {
        dryRun: options.dryRun ? true : undefined,
        diff: options.diff ? true : undefined,
        prune: options.prune ? true : undefined,
        owner: options.owner,
        takeOwnership: options.takeOwnership ? true : undefined,
      },
      ...(typeof objects === 'string'
        ? { text: { body: objects, contentType: 'application/yaml' } }
        : { json: objects }),
    });
  }

  preview(query: PreviewQuery): Promise<Record<string, unknown>> {
    return this.http.json({ method: 'GET', path: '/api/v1/preview', query: { ...query } });
  }

  explain(request: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.http.json({ method: 'POST', path: '/api/v1/explain', json: request });
  }

  async proxies(): Promise<ProxyInfo[]> {
    const answer = await this.http.json<{ items: ProxyInfo[] }>({
      method: 'GET',
      path: '/api/v1/proxies',
    });
    return answer.items;
  }

  proxy(id: string): Promise<ProxyInfo> {
    return this.http.json({ method: 'GET', path: `/api/v1/proxies/${enc(id)}` });
  }

  proxyConfig(id: string): Promise<ProxyConfig> {
    return this.http.json({ method: 'GET', path: `/api/v1/proxies/${enc(id)}/config` });
  }

  bootstrap(query: Record<string, string>): Promise<Record<string, unknown>> {
    return this.http.json({ method: 'GET', path: '/api/v1/bootstrap', query });
  }

  /** The caller's token id, role and (editors) namespaces: GET /api/v1/whoami. */
  whoami(): Promise<WhoAmI> {
    return this.http.json({ method: 'GET', path: '/api/v1/whoami' });
  }

  createToken(request: TokenCreate): Promise<{ token: string; id: string; expiresAt: string }> {
    return this.http.json({ method: 'POST', path: '/api/v1/tokens', json: request });
  }

  /** Signs a PKCS#10 CSR (PEM) for the identity of the data-plane token this client sends. */
  signCertificate(csrPem: string): Promise<SignedCertificate> {
    return this.http.json({ method: 'POST', path: '/api/v1/certificates', json: { csr: csrPem } });
  }

  /** The mesh's trust bundle (any API token or data-plane token). */
  trustBundle(): Promise<TrustBundleInfo> {
    return this.http.json({ method: 'GET', path: '/api/v1/trust-bundle' });
  }

  /** Admins: a new CA root signs from now on; the old one stays trusted for `overlap` (e.g. "48h"). */
  rotateCertificateAuthority(overlap?: string): Promise<CaRotation> {
    return this.http.json({
      method: 'POST',
      path: '/api/v1/certificate-authority/rotate',
      json: overlap === undefined ? {} : { overlap },
    });
  }

  async listTokens(): Promise<Record<string, unknown>[]> {
    const answer = await this.http.json<{ items: Record<string, unknown>[] }>({
      method: 'GET',
      path: '/api/v1/tokens',
    });
    return answer.items;
  }

  async deleteToken(id: string): Promise<void> {
    await this.http.send({ method: 'DELETE', path: `/api/v1/tokens/${enc(id)}` });
  }

  /** Every sync status, sorted by owner id. */
  async listSyncs(): Promise<SyncStatus[]> {
    const answer = await this.http.json<{ items: SyncStatus[] }>({
      method: 'GET',
      path: '/api/v1/syncs',
    });
    return answer.items;
  }

  /** The sync status of one owner id; a CrosswayApiError with status 404 when there is none. */
  getSync(owner: string): Promise<SyncStatus> {
    return this.http.json({ method: 'GET', path: `/api/v1/syncs/${enc(owner)}` });
  }

  /** Creates or replaces the status of `status.owner`; answers the stored status. */
  putSync(status: SyncStatus): Promise<SyncStatus> {
    return this.http.json({
      method: 'PUT',
      path: `/api/v1/syncs/${enc(status.owner)}`,
      json: status,
    });
  }

  /** Removes the status of one owner id; answers the removed status (404 error when none). */
  deleteSync(owner: string): Promise<SyncStatus> {
    return this.http.json({ method: 'DELETE', path: `/api/v1/syncs/${enc(owner)}` });
  }

  /** The watch stream as events; stop it with the signal (or by leaving the loop). */
  async *watch(
    options: { kind?: string; namespace?: string; resourceVersion?: string } = {},
    signal?: AbortSignal,
  ): AsyncGenerator<WatchEvent> {
    const controller = new AbortController();
    const stop = (): void => controller.abort();
    signal?.addEventListener('abort', stop, { once: true });
    try {
      const response = await this.http.send(
        {
          method: 'GET',
          path: '/api/v1/watch',
          query: {
            kind: options.kind === undefined ? undefined : kindOf(options.kind).kind,
            namespace: options.namespace,
            resourceVersion: options.resourceVersion,
          },
          headers: { accept: 'text/event-stream' },
        },
        controller.signal,
      );
      if (!response.body) throw new CrosswayApiError(500, { detail: 'watch answered no body' });
      for await (const event of parseSse(response.body)) {
        let object: unknown = event.data;
        try {
          object = JSON.parse(event.data) as unknown;
        } catch {
          // Keep the raw text.
        }
        yield {
          type: event.event,
          ...(event.id === undefined ? {} : { revision: event.id }),
          object,
        };
      }
    } catch (error) {
      if (controller.signal.aborted) return;
      throw error;
    } finally {
      signal?.removeEventListener('abort', stop);
      controller.abort();
    }
  }
}
