// The signed-in operator: a CrosswayClient with their bearer token and what
// GET /api/v1/whoami says they are. The token lives in sessionStorage (gone when the
// tab closes, never in a URL). `canWrite` hides what the role may not do; the API
// enforces the same rules anyway.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { CrosswayClient, type WhoAmI } from '@crossway/client';
import { findKindInfo } from '@crossway/model';

export const TOKEN_KEY = 'crossway.token';

export interface Session {
  client: CrosswayClient;
  me: WhoAmI;
  signOut(): void;
  /** Whether the operator may create, change or delete objects of `kind` in `namespace`. */
  canWrite(kind: string, namespace?: string): boolean;
}

export const SessionContext = createContext<Session | undefined>(undefined);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in console');
  return session;
}

/** The API's write rules (apps/api/src/auth/rbac.ts), for showing or hiding controls. */
export function mayWrite(me: WhoAmI, kind: string, namespace?: string): boolean {
  if (me.role === 'admin') return true;
  if (me.role !== 'editor') return false;
  if (me.namespaces === undefined) return true;
  const clusterScoped = findKindInfo(kind)?.scope === 'Cluster';
  if (clusterScoped || namespace === undefined) return false;
  return me.namespaces.includes(namespace);
}

export function clientFor(token: string, server = window.location.origin): CrosswayClient {
  return new CrosswayClient({ server, token });
}

/** Checks a token with the API; answers the session or throws the API's error. */
export async function signIn(
  token: string,
  onSignOut: () => void,
  server = window.location.origin,
): Promise<Session> {
  const client = clientFor(token, server);
  const me = await client.whoami();
  return {
    client,
    me,
    signOut: onSignOut,
    canWrite: (kind, namespace) => mayWrite(me, kind, namespace),
  };
}
