// GET /api/v1/watch: object changes as Server-Sent Events, resumable by revision.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findKind, type CrosswayObject } from '@crossway/model';
import { isStoreError, type Store, type WatchEvent } from '@crossway/store';
import { requireAccess } from '../auth/plugin';
import { ApiProblem } from '../problems';
import { redactSecret } from '../secrets';
import { storeCall } from '../store-problems';

interface WatchQuery {
  resourceVersion?: string;
  kind?: string;
  namespace?: string;
}

export interface WatchRouteOptions {
  /** How often a BOOKMARK is sent when nothing else is. */
  bookmarkIntervalMs: number;
}

function frame(type: string, revision: number, data: unknown): string {
  return `event: ${type}\nid: ${revision}\ndata: ${JSON.stringify(data)}\n\n`;
}

export function registerWatchRoute(
  app: FastifyInstance,
  store: Store,
  options: WatchRouteOptions,
): void {
  app.get(
    '/api/v1/watch',
    { schema: { tags: ['watch'], summary: 'Stream object changes (Server-Sent Events)' } },
    async (request: FastifyRequest<{ Querystring: WatchQuery }>, reply: FastifyReply) => {
      const { kind: kindName, namespace } = request.query;
      const kind = kindName === undefined ? undefined : findKind(kindName)?.kind;
      if (kindName !== undefined && kind === undefined)
        throw new ApiProblem('BadRequest', `unknown kind "${kindName}"`, [
          { path: 'kind', message: 'unknown kind' },
        ]);
      requireAccess(request, {
        verb: 'watch',
        ...(kind === undefined ? {} : { kind }),
        ...(namespace === undefined ? {} : { namespace }),
      });
      const resume =
        request.query.resourceVersion ?? (request.headers['last-event-id'] as string | undefined);
      if (resume !== undefined && !/^[0-9]{1,16}$/.test(resume))
        throw new ApiProblem('BadRequest', 'resourceVersion must be a revision number', [
          { path: 'resourceVersion', message: 'must be a decimal number' },
        ]);

      const wanted = (object: CrosswayObject) =>
        (kind === undefined || object.kind === kind) &&
        (namespace === undefined || object.metadata.namespace === namespace);

      // Without a revision, the stream starts with the current state as ADDED events.
      let initial: CrosswayObject[] = [];
      let from: number;
      if (resume === undefined) {
        const listed = await storeCall(() =>
          store.list({
            ...(kind === undefined ? {} : { kind }),
            ...(namespace === undefined ? {} : { namespace }),
          }),
        );
        initial = listed.items;
        from = listed.revision;
      } else {
        from = Number(resume);
      }

      const pending: WatchEvent[] = [];
      // Until the stream is open, events wait in `pending`; afterwards they go straight out.
      const sink: { deliver?: (events: WatchEvent[]) => void; fail?: (error: unknown) => void } =
        {};
      const watch = store.watch(
        from,
        (events) => (sink.deliver ? sink.deliver(events) : pending.push(...events)),
        (error) => sink.fail?.(error),
      );
      try {
        await watch.ready;
      } catch (error) {
        await watch.close();
        if (isStoreError(error, 'Compacted'))
          throw new ApiProblem(
            'Gone',
            `resourceVersion ${from} has been compacted: list again and watch from the list's resourceVersion`,
          );
        throw error;
      }

      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      let last = from;
      for (const object of initial)
        if (wanted(object))
          raw.write(
            frame('ADDED', Number(object.metadata.resourceVersion ?? from), redactSecret(object)),
          );
      raw.write(
        frame('BOOKMARK', last, { kind: 'Bookmark', metadata: { resourceVersion: String(last) } }),
      );

      const send = (events: WatchEvent[]) => {
        for (const event of events) {
          last = Math.max(last, event.revision);
          if (wanted(event.object))
            raw.write(frame(event.type, event.revision, redactSecret(event.object)));
        }
      };
      let closed = false;
      const bookmarks = setInterval(
        () =>
          raw.write(
            frame('BOOKMARK', last, {
              kind: 'Bookmark',
              metadata: { resourceVersion: String(last) },
            }),
          ),
        options.bookmarkIntervalMs,
      );
      const finish = () => {
        if (closed) return;
        closed = true;
        clearInterval(bookmarks);
        void watch.close();
        raw.end();
      };
      sink.deliver = send;
      sink.fail = (error) => {
        const message = error instanceof Error ? error.message : String(error);
        raw.write(
          `event: ERROR\nid: ${last}\ndata: ${JSON.stringify({ message, code: isStoreError(error) ? error.code : 'Internal' })}\n\n`,
        );
        finish();
      };
      send(pending.splice(0));
      request.raw.on('close', finish);
    },
  );
}
