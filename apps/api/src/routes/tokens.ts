// Tokens: POST /api/v1/tokens issues one, GET lists them (without secrets),
// DELETE /api/v1/tokens/{id} revokes one.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseDuration, violationsFromZod } from '@crossway/model';
import { requireAccess } from '../auth/plugin';
import { authorizeTokenIssue } from '../auth/rbac';
import { issueDataPlaneToken, type SigningKeys } from '@crossway/auth';
import { newToken, sha256Hex, type TokenRecord, type TokenRecords } from '../auth/tokens';
import { singleObject } from '../object-input';
import { ApiProblem } from '../problems';
import { storeCall } from '../store-problems';
import { tokenRequest } from '../token-request';

export { tokenRequest };

export function registerTokenRoutes(
  app: FastifyInstance,
  records: TokenRecords,
  now: () => Date,
  keys: SigningKeys,
): void {
  app.post(
    '/api/v1/tokens',
    { schema: { tags: ['tokens'], summary: 'Issue an API or data-plane token' } },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const parsed = tokenRequest.safeParse(singleObject(request.body), { reportInput: true });
      if (!parsed.success)
        throw new ApiProblem(
          'Invalid',
          'token request is invalid',
          violationsFromZod(parsed.error),
        );
      const body = parsed.data;
      if (body.type === 'api' && body.namespaces !== undefined && body.role !== 'editor') {
        throw new ApiProblem('Invalid', 'token request is invalid', [
          { path: 'namespaces', message: 'only editor tokens are limited to namespaces' },
        ]);
      }
      let target: string | undefined;
      if (body.type === 'dataplane') {
        const field = body.role === 'edge' ? 'gateway' : 'service';
        const other = body.role === 'edge' ? 'service' : 'gateway';
        target = body[field];
        if (target === undefined)
          throw new ApiProblem('Invalid', 'token request is invalid', [
            { path: field, message: `is required for role ${body.role} ("namespace/name")` },
          ]);
        if (body[other] !== undefined)
          throw new ApiProblem('Invalid', 'token request is invalid', [
            { path: other, message: `must not be set for role ${body.role}` },
          ]);
      }
      const decision = authorizeTokenIssue(
        request.principal,
        body.type === 'api'
          ? { type: 'api' }
          : { type: 'dataplane', namespace: (target ?? '').split('/')[0] ?? '' },
      );
      if (!decision.allowed) {
        request.audit({
          action: 'issue-token',
          target: body.type,
          result: 'denied',
          reason: decision.reason,
        });
        throw new ApiProblem('Forbidden', decision.reason);
      }
      const ttlMs = parseDuration(body.ttl) ?? 0;
      if (body.type === 'dataplane') {
        // Data-plane tokens are signed and carry their role and target.
        const { token, record } = await storeCall(() =>
          issueDataPlaneToken(
            {
              role: body.role,
              ...(body.role === 'edge' ? { gateway: target ?? '' } : { service: target ?? '' }),
              ttlMs,
              createdBy: request.principal.id,
            },
            { records, keys, now },
          ),
        );
        request.audit({
          action: 'issue-token',
          target: `${record.type}/${record.role}/${record.id}`,
          result: 'created',
        });
        return reply.code(201).send({ token, id: record.id, expiresAt: record.expiresAt });
      }
      const issued = newToken();
      const created = now();
      const expiresAt = new Date(created.getTime() + ttlMs);
      const record: TokenRecord = {
        id: issued.id,
        type: body.type,
        role: body.role,
        createdBy: request.principal.id,
        createdAt: created.toISOString(),
        expiresAt: expiresAt.toISOString(),
        secretSha256: sha256Hex(issued.secret),
        ...(body.namespaces ? { namespaces: body.namespaces } : {}),
      };
      await storeCall(() => records.put(record));
      request.audit({
        action: 'issue-token',
        target: `${record.type}/${record.role}/${record.id}`,
        result: 'created',
      });
      return reply
        .code(201)
        .send({ token: issued.token, id: record.id, expiresAt: record.expiresAt });
    },
  );

  app.get(
    '/api/v1/tokens',
    { schema: { tags: ['tokens'], summary: 'List tokens (never their secrets)' } },
    async (request: FastifyRequest) => {
      requireAccess(request, { verb: 'list', kind: 'token' });
      if (request.principal.role !== 'admin')
        throw new ApiProblem('Forbidden', 'only admins list tokens');
      const list = await storeCall(() => records.list());
      return { items: list.map(({ secretSha256: _hidden, ...rest }) => rest) };
    },
  );

  app.delete(
    '/api/v1/tokens/:id',
    { schema: { tags: ['tokens'], summary: 'Revoke a token' } },
    async (request: FastifyRequest<{ Params: { id: string } }>) => {
      if (request.principal.role !== 'admin') {
        request.audit({
          action: 'revoke-token',
          target: request.params.id,
          result: 'denied',
          reason: 'only admins revoke tokens',
        });
        throw new ApiProblem('Forbidden', 'only admins revoke tokens');
      }
      const removed = await storeCall(() => records.delete(request.params.id));
      if (!removed) throw new ApiProblem('NotFound', `token ${request.params.id} not found`);
      request.audit({ action: 'revoke-token', target: request.params.id, result: 'revoked' });
      return { id: request.params.id, revoked: true };
    },
  );
}
