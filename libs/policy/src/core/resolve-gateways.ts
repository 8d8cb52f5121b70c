// Gateways and their listeners: certificate and CA references, which route kinds
// and namespaces each listener admits, and the listener's own conditions.
import type { GatewayListener } from '@crossway/model';
import { falseCondition, REASONS, trueCondition, type ConditionDraft } from '../common/conditions';
import type { NamespacedName } from '../common/ids';
import type { ObjectIndex, RouteKind, Stored } from '../common/object-index';
import type { GrantCheck } from '../common/reference-grants';
import type { RefProblem } from '../routes/resolve-backends';
import { resolveSecretRef } from './resolve-secret-refs';

export type ListenerProtocol = GatewayListener['protocol'];

export const KINDS_BY_PROTOCOL: Record<ListenerProtocol, readonly RouteKind[]> = {
  HTTP: ['HTTPRoute', 'GRPCRoute'],
  HTTPS: ['HTTPRoute', 'GRPCRoute'],
  TLS: ['TLSRoute'],
  TCP: ['TCPRoute'],
};

export interface ListenerTls {
  mode: 'Terminate' | 'Passthrough';
  /** Valid certificate Secrets only, in spec order. */
  certificateRefs: NamespacedName[];
  /** Valid client CA Secrets only (mutual TLS at the edge). */
  clientCARefs: NamespacedName[];
}

export interface ListenerDraft {
  gateway: NamespacedName;
  name: string;
  port: number;
  protocol: ListenerProtocol;
  hostname?: string;
  tls?: ListenerTls;
  allowedNamespaces: 'Same' | 'All' | 'Selector';
  allowedKinds: RouteKind[];
  /** False when it terminates TLS without one valid certificate: it cannot be served. */
  ready: boolean;
  conditions: ConditionDraft[];
  /** Certificate and CA problems, which the Gateway's ResolvedRefs also reports. */
  refProblems: RefProblem[];
}

export interface GatewayDraft {
  stored: Stored<'Gateway'>;
  listeners: ListenerDraft[];
}

function resolveListener(
  index: ObjectIndex,
  grants: GrantCheck,
  gateway: Stored<'Gateway'>,
  listener: GatewayListener,
  listenerIndex: number,
): ListenerDraft {
  const at = `spec.listeners[${listenerIndex}]`;
  const from = { kind: 'Gateway' as const, namespace: gateway.namespace };
  const refProblems: RefProblem[] = [];
  let tls: ListenerTls | undefined;
  if (listener.tls) {
    tls = { mode: listener.tls.mode, certificateRefs: [], clientCARefs: [] };
    for (const [i, ref] of listener.tls.certificateRefs.entries()) {
      const r = resolveSecretRef(
        index,
        grants,
        from,
        ref,
        'tls',
        `${at}.tls.certificateRefs[${i}]`,
      );
      if (r.ok) tls.certificateRefs.push(r.secret);
      else refProblems.push(r.problem);
    }
    for (const [i, ref] of (listener.tls.clientValidation?.caRefs ?? []).entries()) {
      const path = `${at}.tls.clientValidation.caRefs[${i}]`;
      const r = resolveSecretRef(index, grants, from, ref, 'ca', path);
      if (r.ok) tls.clientCARefs.push(r.secret);
      else refProblems.push(r.problem);
    }
  }
  const terminates = tls !== undefined && tls.mode === 'Terminate';
  // Client validation whose CA did not resolve must not serve at all: serving
  // without checking client certificates would fail open.
  const wantedCAs = listener.tls?.clientValidation?.caRefs.length ?? 0;
  const ready =
    !terminates ||
    ((tls?.certificateRefs.length ?? 0) > 0 && (tls?.clientCARefs.length ?? 0) === wantedCAs);

  const protocolKinds = KINDS_BY_PROTOCOL[listener.protocol];
  const requested = listener.allowedRoutes.kinds;
  const allowedKinds = requested
    ? protocolKinds.filter((k) => requested.includes(k))
    : [...protocolKinds];
  const invalidKinds = (requested ?? []).filter((k) => !protocolKinds.includes(k));

  const conditions: ConditionDraft[] = [];
  const from_ = listener.allowedRoutes.namespaces.from;
  conditions.push(
    from_ === 'Selector'
      ? falseCondition(
          'Accepted',
          REASONS.UnsupportedValue,
          'allowedRoutes.namespaces.from Selector is not supported yet (there is no Namespace kind to select): no route can attach',
        )
      : trueCondition('Accepted', REASONS.Accepted, 'Listener accepted'),
  );
  if (refProblems.length > 0) {
    conditions.push(
      falseCondition(
        'ResolvedRefs',
        refProblems[0]?.reason ?? REASONS.InvalidCertificateRef,
        refProblems.map((p) => p.message).join('; '),
      ),
    );
  } else if (invalidKinds.length > 0) {
    conditions.push(
      falseCondition(
        'ResolvedRefs',
        REASONS.InvalidRouteKinds,
        `allowedRoutes.kinds ${invalidKinds.join(', ')} cannot attach to a ${listener.protocol} listener`,
      ),
    );
  } else {
    conditions.push(trueCondition('ResolvedRefs', REASONS.ResolvedRefs, 'All references resolved'));
  }

  const draft: ListenerDraft = {
    gateway: { namespace: gateway.namespace, name: gateway.name },
    name: listener.name,
    port: listener.port,
    protocol: listener.protocol,
    allowedNamespaces: from_,
    allowedKinds,
    ready,
    conditions,
    refProblems,
  };
  if (listener.hostname !== undefined) draft.hostname = listener.hostname;
  if (tls !== undefined) draft.tls = tls;
  return draft;
}

export function resolveGateways(index: ObjectIndex, grants: GrantCheck): Map<string, GatewayDraft> {
  const result = new Map<string, GatewayDraft>();
  for (const [key, gateway] of index.gateways) {
    const listeners = gateway.spec.listeners.map((l, i) =>
      resolveListener(index, grants, gateway, l, i),
    );
    result.set(key, { stored: gateway, listeners });
  }
  return result;
}

/** The Gateway's own conditions: Accepted, and ResolvedRefs over every listener's certificates. */
export function gatewayConditions(draft: GatewayDraft): ConditionDraft[] {
  const problems = draft.listeners.flatMap((l) => l.refProblems);
  return [
    trueCondition('Accepted', REASONS.Accepted, 'Gateway accepted'),
    problems.length === 0
      ? trueCondition('ResolvedRefs', REASONS.ResolvedRefs, 'All certificate references resolved')
      : falseCondition(
          'ResolvedRefs',
          problems[0]?.reason ?? REASONS.InvalidCertificateRef,
          problems.map((p) => p.message).join('; '),
        ),
  ];
}
