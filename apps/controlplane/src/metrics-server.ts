// The standalone control plane's /metrics endpoint (CROSSWAY_METRICS_PORT): a bare
// node:http server exposing a prom-client registry in the text format. The API
// process serves its own /metrics (with the same control-plane metrics) instead.
import { createServer } from 'node:http';
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

/** Serves GET /metrics from `registry` on host:port (0 picks a free port). */
export function startMetricsServer(options: {
  registry: Registry;
  host: string;
  port: number;
}): Promise<MetricsServer> {
  const { registry } = options;
  const server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    if (request.method !== 'GET' || path !== '/metrics') {
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
