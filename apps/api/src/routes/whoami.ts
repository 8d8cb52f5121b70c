// GET /api/v1/whoami: the caller's token id, role and (editors) namespaces, so a
// console or script can show only what it may do. The API enforces access anyway.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireAccess } from '../auth/plugin';

export interface WhoAmI {
  id: string;
  role: 'admin' | 'editor' | 'viewer';
  /** Editors limited to namespaces only. */
  namespaces?: string[];
}

export function registerWhoAmIRoute(app: FastifyInstance): void {
  app.get(
    '/api/v1/whoami',
    {
      schema: {
        tags: ['tokens'],
        summary: "The caller's identity and role",
      },
    },
    async (request: FastifyRequest): Promise<WhoAmI> => {
      // Any API token may ask who it is; this refuses only the unauthenticated.
      requireAccess(request, { verb: 'get', kind: 'whoami' });
      const { id, role, namespaces } = request.principal;
      return { id, role, ...(namespaces === undefined ? {} : { namespaces: [...namespaces] }) };
    },
  );
}
