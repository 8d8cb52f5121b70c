// CRUD for every kind, registered from the kind descriptor table.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  API_VERSION,
  KIND_DESCRIPTORS,
  metadataInput,
  parseLabelSelector,
  type AnyKindDescriptor,
  type CrosswayObject,
} from '@crossway/model';
import type { ObjectId, Store } from '@crossway/store';
import { requireAccess } from '../auth/plugin';
import type { AccessRequest, Verb } from '../auth/rbac';
import { applyMergePatch, isPlainObject } from '../merge-patch';
import { singleObject, validateAt } from '../object-input';
import { ApiProblem } from '../problems';
import { keepSecretKey, redactSecret } from '../secrets';
import { storeCall } from '../store-problems';

interface Params {
  ns?: string;
  name?: string;
}

interface ListQuery {
  labelSelector?: string;
  limit?: string;
  continue?: string;
}

const MESH_NAME = 'default';

export function etag(object: CrosswayObject): string {
  return `"${object.metadata.resourceVersion ?? ''}"`;
}

/** The resourceVersion an If-Match header demands, if any. */
function ifMatch(request: FastifyRequest): string | undefined {
  const header = request.headers['if-match'];
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header[0] : header;
  const match = /^(W\/)?"?([0-9]+)"?$/.exec((value ?? '').trim());
  if (!match)
    throw new ApiProblem('PreconditionFailed', `If-Match must be an ETag like "42", got ${value}`);
  return match[2];
}

function bodyResourceVersion(body: Record<string, unknown>): string | undefined {
  const metadata = body['metadata'];
  const rv = isPlainObject(metadata) ? metadata['resourceVersion'] : undefined;
  if (rv === undefined || rv === null || rv === '') return undefined;
  if (typeof rv !== 'string' || !/^[0-9]+$/.test(rv))
    throw new ApiProblem('Invalid', 'metadata.resourceVersion is invalid', [
      { path: 'metadata.resourceVersion', message: 'must be a decimal string' },
    ]);
  return rv;
}

function parseLimit(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[0-9]{1,6}$/.test(text) || Number(text) < 1)
    throw new ApiProblem('BadRequest', 'limit must be an integer from 1 to 999999', [
      { path: 'limit', message: 'must be a positive integer' },
    ]);
  return Number(text);
}

export function listOptions(query: ListQuery) {
  const options: {
    labelSelector?: ReturnType<typeof parseSelector>;
    limit?: number;
    continue?: string;
  } = {};
  if (query.labelSelector !== undefined) options.labelSelector = parseSelector(query.labelSelector);
  const limit = parseLimit(query.limit);
  if (limit !== undefined) options.limit = limit;
  if (query.continue !== undefined) options.continue = query.continue;
  return options;
}

function parseSelector(text: string) {
  const parsed = parseLabelSelector(text);
  if (!parsed.ok)
    throw new ApiProblem('BadRequest', `labelSelector: ${parsed.error}`, [
      { path: 'labelSelector', message: parsed.error },
    ]);
  return parsed.selector;
}

function idOf(descriptor: AnyKindDescriptor, params: Params): ObjectId {
  const name = params.name ?? MESH_NAME;
  return descriptor.scope === 'Cluster'
    ? { kind: descriptor.kind, name }
    : { kind: descriptor.kind, namespace: params.ns ?? '', name };
}

/** A store Conflict under an If-Match precondition is the client's 412, not a 409. */
function ifMatchFailure(precondition: string | undefined) {
  return (error: unknown): never => {
    if (precondition !== undefined && error instanceof ApiProblem && error.code === 'Conflict') {
      throw new ApiProblem(
        'PreconditionFailed',
        `If-Match "${precondition}" does not match the current resourceVersion`,
      );
    }
    throw error;
  };
}

function accessTo(verb: Verb, id: ObjectId): AccessRequest {
  return {
    verb,
    kind: id.kind,
    ...(id.namespace === undefined ? {} : { namespace: id.namespace }),
  };
}

const PUT_HINT = ' (PUT does not create; POST to the collection)';

/** The store's NotFound, with a hint on what to do instead. */
function notFoundHint(hint: string) {
  return (error: unknown): never => {
    if (error instanceof ApiProblem && error.code === 'NotFound')
      throw new ApiProblem('NotFound', `${error.message}${hint}`, [], { cause: error });
    throw error;
  };
}

async function getOrNotFound(store: Store, id: ObjectId, hint = ''): Promise<CrosswayObject> {
  const object = await storeCall(() => store.get(id));
  if (!object) throw new ApiProblem('NotFound', `${describeId(id)} not found${hint}`);
  return object;
}

function describeId(id: ObjectId): string {
  return `${id.kind} ${id.namespace === undefined ? id.name : `${id.namespace}/${id.name}`}`;
}

/** The body a client writes for a kind, for the OpenAPI document (validation itself is validateObject's). */
function bodySchema(descriptor: AnyKindDescriptor) {
  return z
    .object({
      apiVersion: z.literal(API_VERSION).optional(),
      kind: z.literal(descriptor.kind).optional(),
      metadata: metadataInput,
      spec: descriptor.spec,
    })
    .describe(descriptor.description);
}

export function registerObjectRoutes(app: FastifyInstance, store: Store): void {
  for (const descriptor of KIND_DESCRIPTORS) {
    const tags = [descriptor.kind];
    const body = bodySchema(descriptor);
    const collection =
      descriptor.scope === 'Cluster'
        ? `/api/v1/${descriptor.plural}`
        : `/api/v1/namespaces/:ns/${descriptor.plural}`;
    const item =
      descriptor.scope === 'Cluster' ? `/api/v1/${descriptor.plural}/:name` : `${collection}/:name`;

    const list = async (request: FastifyRequest<{ Params: Params; Querystring: ListQuery }>) => {
      const namespace = request.params.ns;
      requireAccess(request, {
        verb: 'list',
        kind: descriptor.kind,
        ...(namespace === undefined ? {} : { namespace }),
      });
      const result = await storeCall(() =>
        store.list({
          kind: descriptor.kind,
          ...(namespace === undefined ? {} : { namespace }),
          ...listOptions(request.query),
        }),
      );
      return {
        items: result.items.map(redactSecret),
        metadata: {
          resourceVersion: String(result.revision),
          ...(result.continue === undefined ? {} : { continue: result.continue }),
        },
      };
    };

    app.get(collection, { schema: { tags, summary: `List ${descriptor.plural}` } }, list);
    if (descriptor.scope === 'Namespaced') {
      app.get(
        `/api/v1/${descriptor.plural}`,
        { schema: { tags, summary: `List ${descriptor.plural} in every namespace` } },
        list,
      );
    }

    app.get(
      item,
      { schema: { tags, summary: `Read a ${descriptor.kind}` } },
      async (request: FastifyRequest<{ Params: Params }>, reply: FastifyReply) => {
        const id = idOf(descriptor, request.params);
        requireAccess(request, accessTo('get', id));
        const object = await getOrNotFound(store, id);
        void reply.header('etag', etag(object));
        return redactSecret(object);
      },
    );

    if (descriptor.scope === 'Namespaced') {
      app.post(
        collection,
        { schema: { tags, summary: `Create a ${descriptor.kind}`, body } },
        async (request: FastifyRequest<{ Params: Params }>, reply: FastifyReply) => {
          const namespace = request.params.ns ?? '';
          // Authorization first: a caller who may not write learns nothing from validation.
          requireAccess(request, { verb: 'create', kind: descriptor.kind, namespace });
          const object = validateAt(singleObject(request.body), { descriptor, namespace });
          if (
            object.kind === 'Secret' &&
            object.spec.type === 'tls' &&
            object.spec.data['tls.key'] === undefined
          ) {
            throw new ApiProblem('Invalid', 'Secret is invalid', [
              { path: 'spec.data["tls.key"]', message: 'is required when a tls Secret is created' },
            ]);
          }
          const created = await storeCall(() => store.create(object));
          request.audit({ action: 'create', object: created, result: 'created' });
          return reply.code(201).header('etag', etag(created)).send(redactSecret(created));
        },
      );
    }

    app.put(
      item,
      { schema: { tags, summary: `Replace a ${descriptor.kind}`, body } },
      async (request: FastifyRequest<{ Params: Params }>, reply: FastifyReply) => {
        const id = idOf(descriptor, request.params);
        requireAccess(request, accessTo('update', id));
        const body = singleObject(request.body);
        const precondition = ifMatch(request);
        const expected = precondition ?? bodyResourceVersion(body);
        const object = validateAt(body, {
          descriptor,
          ...(id.namespace === undefined ? {} : { namespace: id.namespace }),
          name: id.name,
        });
        // Without a client precondition the last writer wins, as in Kubernetes.
        const options = expected === undefined ? {} : { expectedResourceVersion: expected };
        if (object.kind === 'Secret') {
          // A Secret written without its private key keeps the stored one: read it first.
          const stored = await getOrNotFound(store, id, PUT_HINT);
          if (precondition !== undefined && stored.metadata.resourceVersion !== precondition) {
            throw new ApiProblem(
              'PreconditionFailed',
              `If-Match "${precondition}" does not match resourceVersion "${stored.metadata.resourceVersion}"`,
            );
          }
          const updated = await storeCall(() =>
            store.update(keepSecretKey(object, stored), options),
          ).catch(ifMatchFailure(precondition));
          const changed = updated.metadata.resourceVersion !== stored.metadata.resourceVersion;
          request.audit({
            action: 'update',
            object: updated,
            result: changed ? 'updated' : 'unchanged',
          });
          return reply.header('etag', etag(updated)).send(redactSecret(updated));
        }
        // Other kinds go straight to the store, whose transaction reads the object
        // anyway: NotFound, Conflict and If-Match failures come from there.
        const result = await storeCall(() =>
          store.transaction([{ op: 'update', object, ...options }]),
        )
          .catch(notFoundHint(PUT_HINT))
          .catch(ifMatchFailure(precondition));
        const updated = result.objects[0];
        if (updated === undefined) throw new ApiProblem('Internal', 'the store returned no object');
        request.audit({
          action: 'update',
          object: updated,
          result: result.written[0] === true ? 'updated' : 'unchanged',
        });
        return reply.header('etag', etag(updated)).send(redactSecret(updated));
      },
    );

    app.patch(
      item,
      { schema: { tags, summary: `Change a ${descriptor.kind} with a JSON merge patch` } },
      async (request: FastifyRequest<{ Params: Params }>, reply: FastifyReply) => {
        const id = idOf(descriptor, request.params);
        const contentType = String(request.headers['content-type'] ?? '')
          .split(';')[0]
          ?.trim();
        if (contentType !== 'application/merge-patch+json' && contentType !== 'application/json') {
          throw new ApiProblem(
            'UnsupportedMediaType',
            'PATCH takes a JSON merge patch (application/merge-patch+json)',
          );
        }
        const patch = singleObject(request.body);
        const precondition = ifMatch(request) ?? bodyResourceVersion(patch);
        requireAccess(request, accessTo('patch', id));
        const stored = await getOrNotFound(store, id);
        if (precondition !== undefined && stored.metadata.resourceVersion !== precondition) {
          throw new ApiProblem(
            ifMatch(request) !== undefined ? 'PreconditionFailed' : 'Conflict',
            `resourceVersion "${precondition}" is stale; the object is at "${stored.metadata.resourceVersion}"`,
          );
        }
        const { status: _status, ...current } = stored;
        const merged = applyMergePatch(current, patch);
        if (!isPlainObject(merged))
          throw new ApiProblem('BadRequest', 'the patch must be a JSON object');
        const object = validateAt(merged, {
          descriptor,
          ...(id.namespace === undefined ? {} : { namespace: id.namespace }),
          name: id.name,
        });
        const updated = await storeCall(() =>
          store.update(keepSecretKey(object, stored), {
            expectedResourceVersion: stored.metadata.resourceVersion ?? '',
          }),
        ).catch(ifMatchFailure(ifMatch(request)));
        request.audit({ action: 'patch', object: updated, result: 'updated' });
        return reply.header('etag', etag(updated)).send(redactSecret(updated));
      },
    );

    if (descriptor.scope === 'Namespaced') {
      app.delete(
        item,
        { schema: { tags, summary: `Delete a ${descriptor.kind}` } },
        async (
          request: FastifyRequest<{ Params: Params; Querystring: { resourceVersion?: string } }>,
        ) => {
          const id = idOf(descriptor, request.params);
          const precondition = ifMatch(request);
          requireAccess(request, accessTo('delete', id));
          const expected = precondition ?? request.query.resourceVersion;
          const deleted = await storeCall(() =>
            store.delete(id, expected === undefined ? {} : { expectedResourceVersion: expected }),
          ).catch(ifMatchFailure(precondition));
          request.audit({ action: 'delete', object: deleted, result: 'deleted' });
          return redactSecret(deleted);
        },
      );
    }
  }
}
