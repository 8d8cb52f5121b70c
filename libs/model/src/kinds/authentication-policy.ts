// AuthenticationPolicy: JWT request authentication with per-path requirements.
import { z } from 'zod';
import { boundedList, dnsLabel, duration, headerName } from '../primitives';
import { targetRef } from './references';
import { uniqueBy } from './route-common';

const jwksInline = z
  .string()
  .max(64 * 1024, 'must be at most 64 KiB')
  .superRefine((text, ctx) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON Web Key Set (JSON text)' });
      return;
    }
    const keys =
      typeof parsed === 'object' && parsed !== null && 'keys' in parsed ? parsed.keys : undefined;
    if (!Array.isArray(keys) || keys.length === 0)
      ctx.addIssue({
        code: 'custom',
        message: 'must be a JSON Web Key Set with a non-empty "keys" array',
      });
  });

export const jwtProvider = z.strictObject({
  name: dnsLabel,
  issuer: z.string().min(1, 'must not be empty').max(1024, 'must be at most 1024 characters'),
  audiences: boundedList(z.string().min(1).max(1024), 16).optional(),
  jwks: z
    .strictObject({
      inline: jwksInline.optional(),
      uri: z
        .string()
        .max(2048)
        .regex(/^https?:\/\/[^\s]+$/, 'must be an http(s) URL')
        .optional(),
      cacheDuration: duration.optional(),
    })
    .refine(
      (j) => (j.inline === undefined) !== (j.uri === undefined),
      'must set exactly one of inline or uri',
    ),
  forwardToken: z.boolean().default(false),
  claimToHeaders: boundedList(
    z.strictObject({ claim: z.string().min(1).max(256), header: headerName }),
    16,
  ).optional(),
});

export const authenticationPolicySpec = z
  .strictObject({
    targetRef: targetRef(['Mesh', 'Gateway', 'Service']),
    providers: boundedList(jwtProvider, 8, 1),
    /** Which paths need a token. Absent: every request needs a valid token from any provider. */
    rules: boundedList(
      z.strictObject({
        paths: boundedList(
          z.string().regex(/^\/[\x21-\x7e]*$/, 'must start with "/"'),
          16,
        ).optional(),
        required: z.boolean().default(true),
        providers: boundedList(dnsLabel, 8).optional(),
      }),
      64,
    ).optional(),
  })
  .superRefine((spec, ctx) => {
    uniqueBy(spec.providers, (p) => p.name, ctx, 'name', 'provider names must be unique', [
      'providers',
    ]);
    const names = new Set(spec.providers.map((p) => p.name));
    spec.rules?.forEach((rule, i) =>
      rule.providers?.forEach((name, j) => {
        if (!names.has(name))
          ctx.addIssue({
            code: 'custom',
            path: ['rules', i, 'providers', j],
            message: `names no provider of this policy: "${name}"`,
          });
      }),
    );
  });

export type AuthenticationPolicySpec = z.output<typeof authenticationPolicySpec>;
