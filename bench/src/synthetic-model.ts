// A synthetic policy set of any size for benchmarks: one Mesh, one edge Gateway,
// `services` Services spread over namespaces with `endpoints` Workloads each, one
// HTTPRoute per Service attached both to the Gateway (a hostname per Service)
// and to the Service itself (a GAMMA producer route), and one caller Service
// callers ("bench/client", "bench/client-2") whose dependencies scope their
// sidecars to `dependencies` Services. With `serviceDependencies`, every Service also
// depends on 10-50 (min-max) others (the end-to-end bench's sidecars, bench/src/run).
export interface SyntheticOptions {
  services: number;
  endpoints: number;
  namespaces: number;
  /** How many Services the caller ("bench/client") depends on. */
  dependencies: number;
  /** Every Service depends on min..max others (deterministic per Service); absent: none. */
  serviceDependencies?: { min: number; max: number };
}

/** How many Services Service `i` depends on: min..max, spread deterministically. */
export function dependencyCount(i: number, options: SyntheticOptions): number {
  const range = options.serviceDependencies;
  if (range === undefined) return 0;
  const spread = range.max - range.min + 1;
  const hashed = Math.imul(i + 1, 2654435761) >>> 0;
  return Math.min(range.min + (hashed % spread), options.services - 1);
}

/** The Service indexes Service `i` depends on: the next dependencyCount(i) Services, wrapping. */
export function dependenciesOf(i: number, options: SyntheticOptions): number[] {
  return Array.from(
    { length: dependencyCount(i, options) },
    (_, k) => (i + 1 + k) % options.services,
  );
}

const API = 'crossway.dev/v1alpha1';
const CREATED = '2024-01-01T00:00:00Z';

function meta(name: string, namespace?: string) {
  return { name, ...(namespace !== undefined ? { namespace } : {}), creationTimestamp: CREATED };
}

export function serviceName(i: number): string {
  return `svc-${i}`;
}

export function namespaceOf(i: number, options: SyntheticOptions): string {
  return `ns-${i % options.namespaces}`;
}

/** Objects as a client would write them (validate them like the API does before use). */
export function syntheticModel(options: SyntheticOptions): Record<string, unknown>[] {
  const objects: Record<string, unknown>[] = [
    {
      apiVersion: API,
      kind: 'Mesh',
      metadata: meta('default'),
      spec: { trustDomain: 'bench.local' },
    },
    {
      apiVersion: API,
      kind: 'Gateway',
      metadata: meta('public', 'edge'),
      spec: {
        listeners: [
          {
            name: 'http',
            port: 8080,
            protocol: 'HTTP',
            allowedRoutes: { namespaces: { from: 'All' } },
          },
        ],
      },
    },
  ];
  for (let i = 0; i < options.services; i += 1) {
    const name = serviceName(i);
    const namespace = namespaceOf(i, options);
    objects.push({
      apiVersion: API,
      kind: 'Service',
      metadata: meta(name, namespace),
      spec: {
        ports: [{ name: 'http', port: 8080, protocol: 'http' }],
        ...(options.serviceDependencies === undefined
          ? {}
          : {
              dependencies: dependenciesOf(i, options).map((d) => ({
                name: serviceName(d),
                namespace: namespaceOf(d, options),
              })),
            }),
      },
    });
    for (let e = 0; e < options.endpoints; e += 1)
      objects.push({
        apiVersion: API,
        kind: 'Workload',
        metadata: meta(`${name}-${e}`, namespace),
        spec: {
          service: name,
          address: `10.${(i >> 8) & 255}.${i & 255}.${e + 1}`,
          locality: { region: 'eu-west', zone: `eu-west-${(e % 3) + 1}` },
          ports: [{ name: 'http', port: 8080 }],
        },
      });
    objects.push({
      apiVersion: API,
      kind: 'HTTPRoute',
      metadata: meta(name, namespace),
      spec: {
        parentRefs: [
          { kind: 'Gateway', name: 'public', namespace: 'edge' },
          { kind: 'Service', name, port: 8080 },
        ],
        hostnames: [`${name}.example.com`],
        rules: [
          {
            matches: [{ path: { type: 'PathPrefix', value: '/api' } }],
            backendRefs: [{ name, port: 8080 }],
            timeouts: { request: '10s' },
          },
          { backendRefs: [{ name, port: 8080 }] },
        ],
      },
    });
  }
  // Two callers with the same dependencies: the second shows what the first left shared.
  for (const caller of ['client', 'client-2'])
    objects.push({
      apiVersion: API,
      kind: 'Service',
      metadata: meta(caller, 'bench'),
      spec: {
        ports: [{ name: 'http', port: 8080, protocol: 'http' }],
        dependencies: Array.from(
          { length: Math.min(options.dependencies, options.services) },
          (_, i) => ({
            name: serviceName(i),
            namespace: namespaceOf(i, options),
          }),
        ),
      },
    });
  return objects;
}
