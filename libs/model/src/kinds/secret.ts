// Secret: a TLS certificate chain and key, or a CA bundle. Keys are write-only:
// reads carry status.keySha256 instead, and an update that omits the key keeps it.
import { z } from 'zod';
import { pem } from '../primitives';

const certificates = pem(['CERTIFICATE'], 'certificates');
const privateKey = pem(
  ['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY'],
  'a private key',
).refine(
  (text) => (text.match(/-----BEGIN /g) ?? []).length === 1,
  'must contain exactly one private key',
);

export const secretSpec = z
  .strictObject({
    type: z.enum(['tls', 'ca']),
    data: z.strictObject({
      'tls.crt': certificates.optional(),
      'tls.key': privateKey.optional(),
      'ca.crt': certificates.optional(),
    }),
  })
  .superRefine((s, ctx) => {
    if (s.type === 'tls' && s.data['tls.crt'] === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['data', 'tls.crt'],
        message: 'is required for type tls',
      });
    }
    if (s.type === 'ca') {
      if (s.data['ca.crt'] === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['data', 'ca.crt'],
          message: 'is required for type ca',
        });
      for (const key of ['tls.crt', 'tls.key'] as const) {
        if (s.data[key] !== undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['data', key],
            message: 'must not be set for type ca',
          });
      }
    }
  });

export type SecretSpec = z.output<typeof secretSpec>;
