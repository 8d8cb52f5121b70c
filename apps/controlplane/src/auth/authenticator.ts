// The data-plane authenticator: who an xDS stream is. Checks the node's token (signed,
// bound to a role and target) against what the node claims to be, before any resource
// is sent. Codes: INVALID_ARGUMENT for a malformed node, UNAUTHENTICATED for a missing,
// invalid or expired token, PERMISSION_DENIED for a role or target the token was not
// issued for. Never logs or returns the token.
//
// A store that cannot answer in time (a restart's connect storm keeps the process
// busy, and a read misses its deadline; or etcd restarts) is retried for up to
// VERIFY_BUDGET_MS before the stream is refused: a refusal sends the proxy into reconnect back-off, which at
// 5,000 proxies turned one slow read into minutes of refused streams.
import type { Metadata } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import {
  createDataPlaneTokenVerifier,
  storeSigningKeys,
  storeTokenRecords,
  type DataPlaneClaims,
} from '@crossway/auth';
import type { Store } from '@crossway/store';
import type { AuthResult, DataPlaneAuthenticator, ProxyNode } from '../contracts';
import { parseNode } from './node-metadata';

export interface DataPlaneAuthenticatorOptions {
  store: Store;
  /** CROSSWAY_INSECURE_XDS=1: any node is accepted without a token (dev only). */
  insecure: boolean;
  logger: Logger;
  now?: () => Date;
  /** How long a token's revocation state is trusted before the store is asked again. */
  revocationCacheMs?: number;
  /** Wait before the n-th retry of a verification the store could not answer (ms × n, at most 1 s). */
  retryDelayMs?: number;
}

/** How long a verification keeps retrying a store that cannot answer. */
const VERIFY_BUDGET_MS = 6_000;

function bearer(metadata: Metadata): string | undefined {
  for (const value of metadata.get('authorization')) {
    const text = typeof value === 'string' ? value : value.toString('utf8');
    const match = /^Bearer\s+(\S+)\s*$/i.exec(text);
    if (match?.[1] !== undefined) return match[1];
  }
  return undefined;
}

/** Why the node may not be what it claims, or undefined if its token allows it. */
function mismatch(node: ProxyNode, claims: DataPlaneClaims): string | undefined {
  if (node.role !== claims.role)
    return `the token is for role ${claims.role}, the node claims role ${node.role}`;
  if (node.role === 'edge' && node.gateway !== claims.gateway)
    return `the token is for Gateway ${claims.gateway ?? '(none)'}, the node claims ${node.gateway ?? '(none)'}`;
  if (node.role !== 'edge') {
    if (node.gateway !== undefined) return `role ${node.role} cannot claim a Gateway`;
    if (node.service !== undefined && node.service !== claims.service)
      return `the token is for Service ${claims.service ?? '(none)'}, the node claims ${node.service}`;
  }
  return undefined;
}

export function createDataPlaneAuthenticator(
  options: DataPlaneAuthenticatorOptions,
): DataPlaneAuthenticator {
  const now = options.now ?? (() => new Date());
  const verifier = createDataPlaneTokenVerifier({
    records: storeTokenRecords(options.store),
    keys: storeSigningKeys(options.store, now),
    now,
    ...(options.revocationCacheMs === undefined
      ? {}
      : { revocationCacheMs: options.revocationCacheMs }),
  });
  const log = options.logger.child({ component: 'xds-auth' });
  if (options.insecure) {
    log.warn(
      'CROSSWAY_INSECURE_XDS is on: data planes are NOT authenticated; any node may claim any role and target. Local trials only.',
    );
  }

  return {
    authenticate: async (rawNode, metadata): Promise<AuthResult> => {
      const parsed = parseNode(rawNode);
      if (!parsed.ok) return { ok: false, code: 'INVALID_ARGUMENT', message: parsed.message };
      const { node } = parsed;
      if (options.insecure) return { ok: true, node };
      const token = parsed.token ?? bearer(metadata);
      if (token === undefined) {
        log.info({ node: node.id, role: node.role }, 'xDS stream refused: no token');
        return {
          ok: false,
          code: 'UNAUTHENTICATED',
          message:
            'a data-plane token is required (node.metadata.token or "authorization: Bearer")',
        };
      }
      let verified;
      const giveUpAt = Date.now() + VERIFY_BUDGET_MS;
      for (let attempt = 1; verified === undefined; attempt++) {
        try {
          verified = await verifier.verify(token);
        } catch (error) {
          if (Date.now() < giveUpAt) {
            log.warn({ err: error, node: node.id, attempt }, 'token verification failed: retrying');
            await new Promise((r) =>
              setTimeout(r, Math.min(1000, (options.retryDelayMs ?? 250) * attempt)),
            );
            continue;
          }
          log.error({ err: error, node: node.id }, 'token verification failed');
          return {
            ok: false,
            code: 'UNAUTHENTICATED',
            message: 'the token could not be verified now; retry',
          };
        }
      }
      if (!verified.ok) {
        log.info({ node: node.id, reason: verified.reason }, 'xDS stream refused');
        return { ok: false, code: 'UNAUTHENTICATED', message: verified.reason };
      }
      const denied = mismatch(node, verified.claims);
      if (denied !== undefined) {
        log.warn(
          { node: node.id, token: verified.claims.jti, reason: denied },
          'xDS stream denied',
        );
        return { ok: false, code: 'PERMISSION_DENIED', message: denied };
      }
      return { ok: true, node };
    },
  };
}
