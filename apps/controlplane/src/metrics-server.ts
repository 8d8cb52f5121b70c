// The standalone control plane's admin endpoint (CROSSWAY_METRICS_PORT): a bare
// node:http server with /metrics (a prom-client registry in the text format),
// /healthz (the process answers) and /readyz (200 once the control plane has synced
// with the store and built its first snapshots, 503 before), plus read-only JSON
// documents for operators and tests under /debug/. The API process serves its own
// /metrics and /readyz instead.
import { createServer, type ServerResponse } from 'node:http';
import { collectDefaultMetrics, type Registry } from 'prom-client';

export interface MetricsServer {
  /** The bound port. */
  port: number;
  close(): Promise<void>;
}

/**
 * Adds the default process and Node.js metrics (crossway_process_resident_memory_bytes,
 * crossway_nodejs_heap_size_used_bytes, ...) to `registry` once per registry.
 */
export function withProcessMetrics(registry: Registry): Registry {
  if (registry.getSingleMetric('crossway_process_resident_memory_bytes') === undefined)
    collectDefaultMetrics({ register: registry, prefix: 'crossway_' });
  return registry;
}

export interface MetricsServerOptions {
  registry: Registry;
  host: string;
  port: number;
  /** /readyz answers 200 while this is true, 503 otherwise. Without it: always 200. */
  ready?: () => boolean;
  /** Read-only JSON documents served at /debug/<name>. */
  debug?: Record<string, () => unknown>;
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** Serves GET /metrics, /healthz, /readyz and /debug/* on host:port (0 picks a free port). */
export function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const { registry } = options;
  const server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0] ?? '';
    if (request.method !== 'GET') {
      response.writeHead(405, { 'content-type': 'text/plain', allow: 'GET' }).end('GET only\n');
      return;
    }
    if (path === '/healthz') {
      sendJson(response, 200, { status: 'ok' });
      return;
    }
    if (path === '/readyz') {
      const ready = options.ready?.() ?? true;
      sendJson(response, ready ? 200 : 503, {
        status: ready ? 'ready' : 'not ready',
        ...(ready ? {} : { reason: 'the first snapshots from the store are not built yet' }),
      });
      return;
    }
    const document = path.startsWith('/debug/') ? options.debug?.[path.slice(7)] : undefined;
    if (document !== undefined) {
      try {
        sendJson(response, 200, document());
      } catch (error) {
        sendJson(response, 500, { error: String(error) });
      }
      return;
    }
    if (path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (error: unknown) =>
        response.writeHead(500, { 'content-type': 'text/plain' }).end(`${String(error)}\n`),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve({
        port: typeof address === 'object' && address !== null ? address.port : options.port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
