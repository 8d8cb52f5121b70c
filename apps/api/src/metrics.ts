// Prometheus metrics: HTTP requests by route and code with latency, and store
// operation latency. One registry per server so tests can build many servers.
import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Store } from '@crossway/store';

export interface ApiMetrics {
  registry: Registry;
  storeOperations: Histogram<'operation' | 'result'>;
}

export function createMetrics(options: { processMetrics: boolean }): ApiMetrics {
  const registry = new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register: registry, prefix: 'crossway_' });
  const storeOperations = new Histogram({
    name: 'crossway_store_operation_duration_seconds',
    help: 'Store operations by operation and result',
    labelNames: ['operation', 'result'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers: [registry],
  });
  return { registry, storeOperations };
}

export function registerHttpMetrics(app: FastifyInstance, metrics: ApiMetrics): void {
  const requests = new Counter({
    name: 'crossway_http_requests_total',
    help: 'HTTP requests by method, route and status code',
    labelNames: ['method', 'route', 'code'],
    registers: [metrics.registry],
  });
  const latency = new Histogram({
    name: 'crossway_http_request_duration_seconds',
    help: 'HTTP request latency by method and route',
    labelNames: ['method', 'route'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [metrics.registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, code: String(reply.statusCode) });
    latency.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}

const TIMED: readonly (keyof Store)[] = [
  'writeAll',
  'get',
  'list',
  'create',
  'update',
  'delete',
  'transaction',
  'setStatus',
  'revision',
];

/** The same store, timing every call into crossway_store_operation_duration_seconds. */
export function instrumentStore(store: Store, metrics: ApiMetrics): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || !TIMED.includes(property as keyof Store))
        return typeof value === 'function' ? value.bind(target) : value;
      return async (...args: unknown[]) => {
        const stop = metrics.storeOperations.startTimer({ operation: String(property) });
        try {
          const result: unknown = await (value as (...a: unknown[]) => Promise<unknown>).apply(
            target,
            args,
          );
          stop({ result: 'ok' });
          return result;
        } catch (error) {
          stop({ result: 'error' });
          throw error;
        }
      };
    },
  });
}
