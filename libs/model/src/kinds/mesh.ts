// Mesh: the one cluster-scoped object, named "default", holding mesh-wide settings.
import { z } from 'zod';
import { parseDuration } from '../duration';
import { dnsLabel, duration, namespacedName, percentage, port } from '../primitives';

const trustDomain = z
  .string()
  .max(255, 'must be at most 255 characters')
  .regex(
    /^[a-z0-9]([-a-z0-9_]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9_]*[a-z0-9])?)*$/,
    'must be a SPIFFE trust domain: lower-case letters, digits, "-", "_" and "."',
  );

export const meshSpec = z.strictObject({
  trustDomain: trustDomain.default('cluster.local'),
  mtls: z
    .strictObject({ mode: z.enum(['STRICT', 'PERMISSIVE', 'DISABLED']).default('PERMISSIVE') })
    .default({ mode: 'PERMISSIVE' }),
  ca: z
    .strictObject({
      /** Lifetime of workload certificates; rotated at half-life. */
      certTTL: duration.default('24h'),
    })
    .superRefine((ca, ctx) => {
      const ms = parseDuration(ca.certTTL) ?? 0;
      if (ms < 10 * 60_000)
        ctx.addIssue({ code: 'custom', path: ['certTTL'], message: 'must be at least 10m' });
    })
    .default({ certTTL: '24h' }),
  /** What mesh inbound traffic gets when no ALLOW policy applies. Edges always default to allow. */
  defaultAuthorization: z.enum(['ALLOW', 'DENY']).default('ALLOW'),
  /** Whether sidecars may reach destinations that are not Services. */
  outboundPolicy: z.enum(['RegistryOnly', 'AllowAny']).default('AllowAny'),
  accessLog: z
    .strictObject({
      enabled: z.boolean().default(false),
      format: z.enum(['text', 'json']).default('json'),
      path: z.string().regex(/^\//, 'must be an absolute path').default('/dev/stdout'),
    })
    .optional(),
  tracing: z
    .strictObject({
      /** Percentage of requests sampled, 0-100. */
      sampling: percentage.default(1),
      /** An OpenTelemetry collector reached as a Service ("ns/name") on a port. */
      collector: z.strictObject({ service: namespacedName, port }).optional(),
      serviceName: dnsLabel.optional(),
    })
    .optional(),
});

export type MeshSpec = z.output<typeof meshSpec>;
/** Name of the one Mesh object. */
export const MESH_NAME = 'default';
