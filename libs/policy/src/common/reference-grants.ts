// ReferenceGrant checks: a reference into another namespace is permitted only
// when a grant in the target namespace lets the referrer's kind and namespace in.
import type { Stored } from './object-index';

export interface GrantFrom {
  kind: 'HTTPRoute' | 'GRPCRoute' | 'TCPRoute' | 'TLSRoute' | 'Gateway' | 'Service';
  namespace: string;
}

export interface GrantTo {
  kind: 'Service' | 'Secret';
  namespace: string;
  name: string;
}

export type GrantCheck = (from: GrantFrom, to: GrantTo) => boolean;

export function grantChecker(grants: readonly Stored<'ReferenceGrant'>[]): GrantCheck {
  return (from, to) => {
    if (from.namespace === to.namespace) return true;
    return grants.some(
      (grant) =>
        grant.namespace === to.namespace &&
        grant.spec.from.some((f) => f.kind === from.kind && f.namespace === from.namespace) &&
        grant.spec.to.some(
          (t) => t.kind === to.kind && (t.name === undefined || t.name === to.name),
        ),
    );
  };
}
