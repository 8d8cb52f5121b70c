// References between objects: parentRefs, backendRefs, secret refs and policy targetRefs.
import { z } from 'zod';
import { boundedList, dnsLabel, port, weight } from '../primitives';

/** Where a route attaches: a Gateway listener (edge) or a Service port (mesh, GAMMA). */
export const parentRef = z.strictObject({
  kind: z.enum(['Gateway', 'Service']).default('Gateway'),
  name: dnsLabel,
  namespace: dnsLabel.optional(),
  /** Gateway: a listener name. Service: a port name. */
  sectionName: dnsLabel.optional(),
  /** Gateway: a listener port. Service: a port number. */
  port: port.optional(),
});

export const parentRefs = boundedList(parentRef, 32, 1);

/** A route's backend: a Service port. Weight defaults to 1. */
export const backendRef = z.strictObject({
  kind: z.literal('Service').default('Service'),
  name: dnsLabel,
  namespace: dnsLabel.optional(),
  port,
  weight: weight.default(1),
});

export const backendRefs = boundedList(backendRef, 16);

/** A reference to a Secret, optionally in another namespace (needs a ReferenceGrant). */
export const secretRef = z.strictObject({
  kind: z.literal('Secret').default('Secret'),
  name: dnsLabel,
  namespace: dnsLabel.optional(),
});

const sameNamespaceOnly = z
  .unknown()
  .optional()
  .refine(
    (v) => v === undefined,
    "targetRef is same-namespace only: remove namespace and put the policy in the target's namespace",
  );

/** A policy's target (GEP-713). Same-namespace only. */
export function targetRef<const K extends readonly [string, ...string[]]>(kinds: K) {
  return z.strictObject({
    kind: z.enum(kinds),
    name: dnsLabel,
    /** Gateway: a listener name. Service: a port name. */
    sectionName: dnsLabel.optional(),
    namespace: sameNamespaceOnly,
  });
}

export const ROUTE_KINDS = ['HTTPRoute', 'GRPCRoute', 'TCPRoute', 'TLSRoute'] as const;
export const routeKind = z.enum(ROUTE_KINDS);
