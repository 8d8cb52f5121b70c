// Sidecar scoping: the Services a Service's sidecar needs configuration for. Its
// dependencies (all Services when it declares none), plus every Service the
// routes of those dependencies send to (backends and mirrors), as seen by a
// caller in its namespace. Routing happens once, at the caller, so one hop
// through routes is enough.
import { by, chain, sorted } from '../common/compare';
import { nsName, type NamespacedName } from '../common/ids';
import type { ResolvedPolicy, ResolvedService } from '../resolved-types';
import type { RouteTableEntry } from '../routes/route-types';
import { serviceIndex } from './service-index';

function routedTo(entries: readonly RouteTableEntry[]): NamespacedName[] {
  return entries.flatMap((e) => [
    ...(e.rule.action.type === 'Forward' ? e.rule.action.backends.map((b) => b.service) : []),
    ...e.rule.mirrors.map((m) => m.backend.service),
  ]);
}

/** Sorted by namespace/name; unknown Services are left out. */
export function reachableServices(
  resolved: ResolvedPolicy,
  service: NamespacedName,
): NamespacedName[] {
  const byKey = serviceIndex(resolved);
  const self = byKey.get(nsName(service));
  if (!self) return [];
  const dependencies: ResolvedService[] = self.dependencies
    ? self.dependencies.flatMap((d) => byKey.get(nsName(d)) ?? [])
    : resolved.services;
  const reachable = new Map<string, NamespacedName>();
  for (const dep of dependencies) {
    reachable.set(nsName(dep), { namespace: dep.namespace, name: dep.name });
    for (const port of dep.ports) {
      const consumer = port.routes.consumers.find((c) => c.namespace === self.namespace);
      for (const target of routedTo(consumer ? consumer.entries : port.routes.producer))
        if (byKey.has(nsName(target))) reachable.set(nsName(target), { ...target });
    }
  }
  return sorted(
    reachable.values(),
    chain(
      by((s) => s.namespace),
      by((s) => s.name),
    ),
  );
}
