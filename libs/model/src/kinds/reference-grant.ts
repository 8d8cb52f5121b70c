// ReferenceGrant: lets objects in other namespaces refer to objects in this one.
import { z } from 'zod';
import { boundedList, dnsLabel } from '../primitives';

export const referenceGrantSpec = z.strictObject({
  from: boundedList(
    z.strictObject({
      kind: z.enum(['HTTPRoute', 'GRPCRoute', 'TCPRoute', 'TLSRoute', 'Gateway', 'Service']),
      namespace: dnsLabel,
    }),
    16,
    1,
  ),
  to: boundedList(
    z.strictObject({ kind: z.enum(['Service', 'Secret']), name: dnsLabel.optional() }),
    16,
    1,
  ),
});

export type ReferenceGrantSpec = z.output<typeof referenceGrantSpec>;
