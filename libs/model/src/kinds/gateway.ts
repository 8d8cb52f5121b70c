// Gateway: an edge entry point with listeners (Gateway API shape).
import { z } from 'zod';
import { boundedList, dnsLabel, hostname, labelName, labelValue, port } from '../primitives';
import { routeKind, secretRef } from './references';
import { uniqueBy } from './route-common';

export const listenerProtocol = z.enum(['HTTP', 'HTTPS', 'TLS', 'TCP']);

export const listenerTls = z.strictObject({
  mode: z.enum(['Terminate', 'Passthrough']).default('Terminate'),
  certificateRefs: boundedList(secretRef, 64).default([]),
  /** Require client certificates signed by one of these CA Secrets (mutual TLS at the edge). */
  clientValidation: z.strictObject({ caRefs: boundedList(secretRef, 8, 1) }).optional(),
});

export const allowedRoutes = z.strictObject({
  namespaces: z
    .strictObject({
      from: z.enum(['Same', 'All', 'Selector']).default('Same'),
      selector: z.strictObject({ matchLabels: z.record(labelName, labelValue) }).optional(),
    })
    .refine(
      (n) => (n.from === 'Selector') === (n.selector !== undefined),
      'selector is required when from is Selector, and only then',
    )
    .default({ from: 'Same' }),
  kinds: boundedList(routeKind, 4).optional(),
});

export const listener = z
  .strictObject({
    name: dnsLabel,
    port,
    protocol: listenerProtocol,
    hostname: hostname.optional(),
    tls: listenerTls.optional(),
    allowedRoutes: allowedRoutes.default({ namespaces: { from: 'Same' } }),
  })
  .superRefine((l, ctx) => {
    if ((l.protocol === 'HTTP' || l.protocol === 'TCP') && l.tls) {
      ctx.addIssue({
        code: 'custom',
        path: ['tls'],
        message: `must not be set for protocol ${l.protocol}`,
      });
    }
    if (l.protocol === 'HTTPS') {
      if (!l.tls)
        ctx.addIssue({ code: 'custom', path: ['tls'], message: 'is required for protocol HTTPS' });
      else if (l.tls.mode !== 'Terminate')
        ctx.addIssue({
          code: 'custom',
          path: ['tls', 'mode'],
          message: 'must be Terminate for protocol HTTPS',
        });
      else if (l.tls.certificateRefs.length === 0)
        ctx.addIssue({
          code: 'custom',
          path: ['tls', 'certificateRefs'],
          message: 'must name at least one certificate for protocol HTTPS',
        });
    }
    if (l.protocol === 'TLS') {
      if (!l.tls)
        ctx.addIssue({
          code: 'custom',
          path: ['tls'],
          message: 'is required for protocol TLS (mode Passthrough or Terminate)',
        });
      else if (l.tls.mode === 'Terminate' && l.tls.certificateRefs.length === 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['tls', 'certificateRefs'],
          message: 'must name at least one certificate when mode is Terminate',
        });
      } else if (
        l.tls.mode === 'Passthrough' &&
        (l.tls.certificateRefs.length > 0 || l.tls.clientValidation)
      ) {
        ctx.addIssue({
          code: 'custom',
          path: ['tls'],
          message: 'Passthrough must not name certificates: the backend terminates TLS',
        });
      }
    }
    if (l.protocol === 'TCP' && l.hostname) {
      ctx.addIssue({
        code: 'custom',
        path: ['hostname'],
        message: 'must not be set for protocol TCP (TCP has no hostname)',
      });
    }
  });

/** Which listener protocols may share a port: HTTP with HTTP (by Host), HTTPS and TLS (by SNI); TCP alone. */
function portFamily(protocol: string): string {
  return protocol === 'HTTPS' || protocol === 'TLS' ? 'sni' : protocol;
}

export const gatewaySpec = z
  .strictObject({
    listeners: boundedList(listener, 64, 1),
    clientIPDetection: z
      .strictObject({
        xffNumTrustedHops: z
          .number()
          .int('must be an integer')
          .min(0, 'must be from 0 to 16')
          .max(16, 'must be from 0 to 16')
          .default(0),
      })
      .optional(),
  })
  .superRefine((spec, ctx) => {
    uniqueBy(spec.listeners, (l) => l.name, ctx, 'name', 'listener names must be unique', [
      'listeners',
    ]);
    spec.listeners.forEach((l, index) => {
      const earlier = spec.listeners.slice(0, index).find((o) => o.port === l.port);
      if (!earlier) return;
      if (l.protocol === 'TCP' || portFamily(earlier.protocol) !== portFamily(l.protocol)) {
        ctx.addIssue({
          code: 'custom',
          path: ['listeners', index, 'port'],
          message: `port ${l.port} is already used by listener "${earlier.name}" with protocol ${earlier.protocol}`,
        });
        return;
      }
      const same = spec.listeners
        .slice(0, index)
        .find((o) => o.port === l.port && (o.hostname ?? '') === (l.hostname ?? ''));
      if (same) {
        ctx.addIssue({
          code: 'custom',
          path: ['listeners', index, 'hostname'],
          message: `listener "${same.name}" already serves hostname "${l.hostname ?? '*'}" on port ${l.port}`,
        });
      }
    });
  });

export type GatewaySpec = z.output<typeof gatewaySpec>;
export type GatewayListener = z.output<typeof listener>;
