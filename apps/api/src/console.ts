// The operator console (apps/console, built by `npm run build` into dist/apps/console)
// served as static files under /ui. Every client-side route (/ui/objects/...) answers
// index.html; the console talks to the public /api/v1 only, with the user's token,
// so nothing here needs authentication. `/` redirects to the console.
import { existsSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

export const CONSOLE_PREFIX = '/ui';

/** Where `npm run build` puts the console, seen from this file in apps/api/src or dist/apps/api. */
export function defaultConsoleDir(): string {
  // Paths from strings (not new URL): callers may run where the global URL is a DOM's.
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = ['../../../dist/apps/console', '../console'].map((p) => join(here, p));
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? candidates[0]!;
}

// The console loads only its own scripts and styles and calls only this origin: a
// policy that keeps an injected script from running or sending a token elsewhere.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

function secureHeaders(reply: FastifyReply): void {
  void reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
  void reply.header('x-content-type-options', 'nosniff');
  void reply.header('referrer-policy', 'no-referrer');
}

export async function registerConsole(app: FastifyInstance, dir: string): Promise<void> {
  app.get('/', { schema: { hide: true } }, async (_request, reply) =>
    reply.redirect(`${CONSOLE_PREFIX}/`),
  );
  if (!existsSync(join(dir, 'index.html'))) {
    app.log.warn({ dir }, 'console not built (npm run build): /ui answers 503');
    const notBuilt = async (_request: unknown, reply: FastifyReply) =>
      reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send(`The console is not built: run "npm run build" (looked in ${dir}).\n`);
    app.get(CONSOLE_PREFIX, { schema: { hide: true } }, notBuilt);
    app.get(`${CONSOLE_PREFIX}/*`, { schema: { hide: true } }, notBuilt);
    return;
  }
  await app.register(fastifyStatic, {
    root: dir,
    prefix: `${CONSOLE_PREFIX}/`,
    wildcard: false,
    index: false,
    // Hashed asset names never change content: cache them for good; index.html never.
    setHeaders(reply, path) {
      secureHeaders(reply);
      void reply.header(
        'cache-control',
        path.includes(`${join('assets', '')}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  const sendIndex = async (_request: unknown, reply: FastifyReply) => {
    secureHeaders(reply);
    void reply.header('cache-control', 'no-cache');
    return reply.sendFile('index.html', dir);
  };
  app.get(CONSOLE_PREFIX, { schema: { hide: true } }, async (_request, reply) =>
    reply.redirect(`${CONSOLE_PREFIX}/`),
  );
  // Client-side routes: any path under /ui that is not a built file answers index.html.
  app.get(`${CONSOLE_PREFIX}/*`, { schema: { hide: true } }, async (request, reply) => {
    const rest = (request.params as { '*': string })['*'];
    if (rest.startsWith('assets/')) {
      const file = join(dir, rest);
      if (file.startsWith(join(dir, 'assets') + sep) && existsSync(file)) {
        secureHeaders(reply);
        return reply.sendFile(rest, dir);
      }
      return reply.code(404).type('text/plain').send('no such console asset\n');
    }
    return sendIndex(request, reply);
  });
}
