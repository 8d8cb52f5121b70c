// AuthenticationPolicies attached to a receiver as JWT IR: every policy's
// providers, and requirement rules in policy order (most specific first), so the
// first rule whose path matches decides. A policy without rules requires a valid
// token from one of its providers on every path.
import { parseDuration } from '@crossway/model';
import { authenticationFor, type ReceiverTarget, type ResolvedPolicy } from '@crossway/policy';
import type { IrJwtAuthn, IrJwtProvider, IrJwtRule } from '../http-filter-ir';
import { patternToIr } from './patterns';

/** The cluster that fetches a remote JWKS: one per scheme, host and port. */
export function jwksClusterName(uri: string): string {
  const url = new URL(uri);
  const port = url.port !== '' ? url.port : url.protocol === 'https:' ? '443' : '80';
  return `jwks|${url.protocol.slice(0, -1)}|${url.hostname}:${port}`;
}

export function buildJwtIr(
  resolved: ResolvedPolicy,
  target: ReceiverTarget,
): IrJwtAuthn | undefined {
  const policies = authenticationFor(resolved, target);
  if (policies.length === 0) return undefined;
  const providers: IrJwtProvider[] = [];
  const rules: IrJwtRule[] = [];
  for (const { policy, spec } of policies) {
    const nameOf = (p: string) =>
      `authenticationpolicy/${policy.namespace}/${policy.name}/provider/${p}`;
    for (const p of spec.providers) {
      const { inline, uri, cacheDuration } = p.jwks;
      const cache = cacheDuration === undefined ? undefined : parseDuration(cacheDuration);
      providers.push({
        name: nameOf(p.name),
        issuer: p.issuer,
        audiences: [...(p.audiences ?? [])],
        jwks:
          uri !== undefined
            ? {
                kind: 'Remote',
                uri,
                cluster: jwksClusterName(uri),
                ...(cache !== undefined ? { cacheDuration: cache } : {}),
              }
            : { kind: 'Inline', json: inline ?? '' },
        forwardToken: p.forwardToken,
        claimToHeaders: (p.claimToHeaders ?? []).map((c) => ({ claim: c.claim, header: c.header })),
      });
    }
    const all = spec.providers.map((p) => nameOf(p.name));
    for (const rule of spec.rules ?? [{ required: true }])
      rules.push({
        paths: (rule.paths ?? ['*']).map(patternToIr),
        providers: rule.providers?.map(nameOf) ?? all,
        required: rule.required,
      });
  }
  return { providers, rules };
}
