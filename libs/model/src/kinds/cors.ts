// CORS settings (Gateway API's HTTPCORSFilter shape), used by HTTPRoute filters.
import { z } from 'zod';
import { boundedList, headerName, httpMethod } from '../primitives';

const origin = z
  .string()
  .max(253, 'must be at most 253 characters')
  .regex(
    /^(\*|(https?):\/\/(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*(:[0-9]{1,5})?)$/,
    'must be "*" or an origin like "https://app.example.com" (a leading "*." wildcard is allowed)',
  );

export const cors = z
  .strictObject({
    allowOrigins: boundedList(origin, 64, 1),
    allowMethods: boundedList(z.union([httpMethod, z.literal('*')]), 9).optional(),
    allowHeaders: boundedList(z.union([headerName, z.literal('*')]), 64).optional(),
    exposeHeaders: boundedList(headerName, 64).optional(),
    /** Seconds a preflight answer may be cached. Default 5. */
    maxAge: z
      .number()
      .int('must be an integer')
      .min(1, 'must be at least 1')
      .max(86_400, 'must be at most 86400')
      .default(5),
    allowCredentials: z.boolean().default(false),
  })
  .superRefine((c, ctx) => {
    if (c.allowCredentials && c.allowOrigins.includes('*')) {
      ctx.addIssue({
        code: 'custom',
        path: ['allowOrigins'],
        message: 'must not be "*" when allowCredentials is true (browsers refuse it)',
      });
    }
  });
