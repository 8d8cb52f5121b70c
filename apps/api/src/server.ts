import { randomUUID } from 'node:crypto';
// The API server, built without listening so tests drive it with app.inject().
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createDataPlaneTokenVerifier, storeSigningKeys } from '@crossway/auth';
import { loadOrCreateAuthority, type AuthorityOptions } from '@crossway/identity';
import type { Store } from '@crossway/store';
import { isApiRequest, registerAuth } from './auth/plugin';
import { ensureMesh } from './bootstrap';
import type { TokenRecords } from './auth/tokens';
import { defaultConsoleDir, registerConsole } from './console';
import { BODY_LIMITS, registerBodyParsers } from './body-parsers';
import { createMetrics, instrumentStore, registerHttpMetrics, type ApiMetrics } from './metrics';
import { registerOpenApi } from './openapi';
import { ApiProblem, PROBLEMS, sendProblem, type ProblemCode } from './problems';
import { API_TIMEOUT_DEFAULTS, type ApiTimeouts } from './settings';
import { registerApplyRoute } from './routes/apply';
import { registerBootstrapRoute } from './routes/bootstrap';
import { registerCertificateRoutes, type IdentityOptions } from './routes/certificates';
import { registerObjectRoutes } from './routes/objects';
import { registerExplainRoute } from './routes/explain';
import { registerPreviewRoute } from './routes/preview';
import { registerProxyRoutes } from './routes/proxies';
import { registerSyncRoutes } from './routes/syncs';
import { registerTokenRoutes } from './routes/tokens';
import { registerWhoAmIRoute } from './routes/whoami';
import { registerWatchRoute } from './routes/watch';

export interface BuildOptions {
  store: Store;
  tokens: TokenRecords;
  /** CROSSWAY_ADMIN_TOKEN. */
  adminToken?: string;
  /** Dev only: no authentication, every caller is admin. */
  insecure?: boolean;
  logger?: Logger | false;
  now?: () => Date;
  bookmarkIntervalMs?: number;
  metrics?: ApiMetrics;
  /** host:port of the xDS server as data planes reach it (bootstraps). Default 127.0.0.1:$CROSSWAY_XDS_PORT (18000). */
  xdsAddress?: string;
  /** Reports whether caches that depend on the store are synced (readyz). */
  synced?: () => boolean;
  /** The built-in CA (POST /api/v1/certificates, GET /api/v1/trust-bundle); without it they answer 503. */
  identity?: IdentityOptions;
  /** Slow-client limits (settings.apiTimeouts); default API_TIMEOUT_DEFAULTS. */
  timeouts?: Partial<ApiTimeouts>;
  /** The built console served under /ui (CROSSWAY_CONSOLE_DIR); default dist/apps/console. */
  consoleDir?: string;
}

/** Idle sockets (no byte either way) are closed after this; watch streams send bookmarks well within it. */
const CONNECTION_IDLE_MS = 60_000;

/**
 * Node checks the request and headers deadlines only every connectionsCheckingInterval
 * (30 s by default), so a short deadline would be overshot by up to that much: check
 * at a quarter of the shorter one (at least every 50 ms, at most every 5 s).
 */
export function slowClientOptions(timeouts: Partial<ApiTimeouts> = {}) {
  const requestMs = timeouts.requestMs ?? API_TIMEOUT_DEFAULTS.requestMs;
  const headersMs = Math.min(timeouts.headersMs ?? API_TIMEOUT_DEFAULTS.headersMs, requestMs);
  const checkingMs = Math.min(5_000, Math.max(50, Math.floor(headersMs / 4)));
  return {
    requestTimeout: requestMs,
    connectionTimeout: Math.max(CONNECTION_IDLE_MS, requestMs),
    http: { headersTimeout: headersMs, connectionsCheckingInterval: checkingMs },
  };
}

function codeForStatus(status: number): ProblemCode {
  const entry = Object.entries(PROBLEMS).find(([, p]) => p.status === status);
  return (entry?.[0] as ProblemCode | undefined) ?? (status >= 500 ? 'Internal' : 'BadRequest');
}

export async function build(options: BuildOptions): Promise<FastifyInstance> {
  const now = options.now ?? (() => new Date());
  const metrics = options.metrics ?? createMetrics({ processMetrics: false });
  const store = instrumentStore(options.store, metrics);
  await ensureMesh(store);
  const authorityOptions: AuthorityOptions | undefined = options.identity && {
    store: options.store,
    now,
    ...options.identity,
  };
  const authority = authorityOptions && (await loadOrCreateAuthority(authorityOptions));
  const logger: FastifyBaseLogger | undefined = options.logger || undefined;
  const app = Fastify({
    ...(logger ? { loggerInstance: logger } : { logger: false }),
    bodyLimit: BODY_LIMITS.bytes,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    ...slowClientOptions(options.timeouts),
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
  });
  // Route schemas document the API (OpenAPI); bodies are validated by the model with field paths.
  app.setValidatorCompiler(() => (data) => ({ value: data }));

  app.setErrorHandler((error: FastifyError | ApiProblem, request, reply) => {
    if (error instanceof ApiProblem) return sendProblem(reply, error);
    const status =
      typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 600
        ? error.statusCode
        : 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    return sendProblem(
      reply,
      new ApiProblem(
        codeForStatus(status),
        status >= 500 ? 'internal error; see the server log' : error.message,
      ),
    );
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      new ApiProblem('NotFound', `no route for ${request.method} ${request.url.split('?')[0]}`),
    ),
  );

  // Every answer names its request, so a log line can be found from a client's error.
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    // Answers to a token are for that token, now: no browser or proxy may keep one (a
    // cached GET would also show a console an object older than the one it just saved).
    if (isApiRequest(request) && !reply.hasHeader('cache-control'))
      void reply.header('cache-control', 'no-store');
  });
  registerBodyParsers(app);
  registerHttpMetrics(app, metrics);
  await registerOpenApi(app);
  const signingKeys = storeSigningKeys(options.store, now);
  registerAuth(app, {
    dataPlane: createDataPlaneTokenVerifier({ records: options.tokens, keys: signingKeys, now }),
    records: options.tokens,
    ...(options.adminToken === undefined ? {} : { bootstrapAdminToken: options.adminToken }),
    now,
    disabled: options.insecure ?? false,
  });

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  // Ready when the store answers and dependent caches are synced.
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    try {
      const revision = await store.revision();
      if (options.synced && !options.synced())
        return sendProblem(reply, new ApiProblem('Unavailable', 'caches are not synced yet'));
      return { status: 'ready', revision };
    } catch (error) {
      return sendProblem(
        reply,
        new ApiProblem('Unavailable', error instanceof Error ? error.message : String(error)),
      );
    }
  });

  registerObjectRoutes(app, store);
  registerApplyRoute(app, store);
  registerWatchRoute(app, store, { bookmarkIntervalMs: options.bookmarkIntervalMs ?? 15_000 });
  registerTokenRoutes(app, options.tokens, now, signingKeys);
  registerWhoAmIRoute(app);
  registerPreviewRoute(app, store);
  registerExplainRoute(app, store);
  registerProxyRoutes(app, store);
  registerSyncRoutes(app, store);
  registerCertificateRoutes(app, { store, authority, authorityOptions, now });
  registerBootstrapRoute(app, {
    tokens: options.tokens,
    keys: signingKeys,
    now,
    xdsAddress: options.xdsAddress ?? `127.0.0.1:${process.env['CROSSWAY_XDS_PORT'] ?? '18000'}`,
  });
  await registerConsole(app, options.consoleDir ?? defaultConsoleDir());
  return app;
}
