// Workload: one instance of a Service, registered through the API or by its sidecar.
import { z } from 'zod';
import { address, boundedList, dnsLabel, namespacedName, port } from '../primitives';
import { uniqueBy } from './route-common';

const localityPart = z
  .string()
  .max(128, 'must be at most 128 characters')
  .regex(/^[A-Za-z0-9][-A-Za-z0-9_.]*$/, 'must be letters, digits, "-", "_" or "."');

export const workloadPort = z.strictObject({
  /** A port name of the Workload's Service. */
  name: dnsLabel,
  /** What peers dial. */
  port,
  /** Where the app listens on 127.0.0.1 behind its sidecar. Default: port. */
  targetPort: port.optional(),
});

export const workloadOutbound = z
  .strictObject({
    port,
    /** "ns/name": the port is dedicated to that upstream (any protocol). Absent: HTTP routed by Host. */
    service: namespacedName.optional(),
    servicePort: port.optional(),
  })
  .refine((o) => o.servicePort === undefined || o.service !== undefined, {
    message: 'servicePort needs service',
    path: ['servicePort'],
  });

export const workloadSpec = z
  .strictObject({
    /** The Service (same namespace) this is an instance of. */
    service: dnsLabel,
    address,
    locality: z
      .strictObject({ region: localityPart.optional(), zone: localityPart.optional() })
      .default({}),
    weight: z
      .number()
      .int('must be an integer')
      .min(1, 'must be from 1 to 128')
      .max(128, 'must be from 1 to 128')
      .default(1),
    health: z.enum(['Healthy', 'Unhealthy', 'Draining']).default('Healthy'),
    ports: boundedList(workloadPort, 64, 1),
    outbound: boundedList(workloadOutbound, 64).optional(),
  })
  .superRefine((spec, ctx) => {
    uniqueBy(spec.ports, (p) => p.name, ctx, 'name', 'port names must be unique', ['ports']);
    uniqueBy(spec.ports, (p) => String(p.port), ctx, 'port', 'port numbers must be unique', [
      'ports',
    ]);
    if (spec.outbound)
      uniqueBy(spec.outbound, (o) => String(o.port), ctx, 'port', 'outbound ports must be unique', [
        'outbound',
      ]);
  });

export type WorkloadSpec = z.output<typeof workloadSpec>;
