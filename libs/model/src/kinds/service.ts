// Service: a logical service, in the mesh or outside it (external).
import { z } from 'zod';
import { address, boundedList, dnsLabel, hostname, isIPv4, isIPv6, port } from '../primitives';
import { uniqueBy } from './route-common';

export const serviceProtocol = z.enum(['http', 'http2', 'grpc', 'tcp', 'tls']);

export const servicePort = z.strictObject({
  name: dnsLabel,
  port,
  /** Default http. */
  protocol: serviceProtocol.default('http'),
  appProtocol: z.string().max(253, 'must be at most 253 characters').optional(),
});

export const serviceSpec = z
  .strictObject({
    ports: boundedList(servicePort, 64, 1),
    /** Extra hostnames the Service answers to, besides "<name>.<namespace>". */
    hosts: boundedList(
      hostname.refine((h) => !h.startsWith('*'), 'must not be a wildcard'),
      16,
    ).optional(),
    /** Identity of its workloads. Default: the Service's name. */
    serviceAccount: dnsLabel.optional(),
    /** Services this one calls; scopes sidecar config. Absent: every Service. */
    dependencies: boundedList(
      z.strictObject({ namespace: dnsLabel.optional(), name: dnsLabel }),
      1024,
    ).optional(),
    external: z
      .strictObject({
        endpoints: boundedList(z.strictObject({ address, port: port.optional() }), 64, 1),
        resolution: z.enum(['DNS', 'STATIC']).default('DNS'),
        tls: z
          .strictObject({
            sni: hostname.optional(),
            caRef: z.strictObject({ name: dnsLabel, namespace: dnsLabel.optional() }).optional(),
          })
          .optional(),
      })
      .optional(),
  })
  .superRefine((spec, ctx) => {
    uniqueBy(spec.ports, (p) => p.name, ctx, 'name', 'port names must be unique', ['ports']);
    uniqueBy(spec.ports, (p) => String(p.port), ctx, 'port', 'port numbers must be unique', [
      'ports',
    ]);
    spec.ports.forEach((p, i) => {
      if (p.port === 15000 || p.port === 15001 || p.port === 15006) {
        ctx.addIssue({
          code: 'custom',
          path: ['ports', i, 'port'],
          message: 'ports 15000, 15001 and 15006 are reserved for the sidecar',
        });
      }
    });
    const ext = spec.external;
    if (ext?.resolution === 'STATIC') {
      ext.endpoints.forEach((e, i) => {
        if (!isIPv4(e.address) && !isIPv6(e.address)) {
          ctx.addIssue({
            code: 'custom',
            path: ['external', 'endpoints', i, 'address'],
            message: 'must be an IP address when resolution is STATIC',
          });
        }
      });
    }
  });

export type ServiceSpec = z.output<typeof serviceSpec>;
export type ServicePort = z.output<typeof servicePort>;
