// POST /api/v1/certificates: a data plane sends a PKCS#10 CSR with its data-plane token
// and gets a certificate for the identity the TOKEN names (never what the CSR asks):
// a Service's serviceAccount (sidecar, proxyless) or a Gateway (edge), in the Mesh's
// trust domain, for the Mesh's ca.certTTL. GET /api/v1/trust-bundle: the roots every
// data plane trusts (any API token or data-plane token). `crossway agent` uses both to
// write the files proxyless gRPC's file_watcher certificate providers read.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { DataPlaneClaims } from '@crossway/auth';
import {
  loadAuthority,
  rotateAuthority,
  spiffeIdOfGateway,
  spiffeIdOfWorkload,
  type AuthorityOptions,
  type CertificateAuthority,
} from '@crossway/identity';
import { formatPath, MESH_NAME, meshSpec, parseDuration, serviceSpec } from '@crossway/model';
import type { Store } from '@crossway/store';
import { isPlainObject } from '../merge-patch';
import { ApiProblem } from '../problems';
import { storeCall } from '../store-problems';

// Node's webcrypto is the Crypto x509 wants; with the DOM lib (the console's tests
// compile this too) the DOM's Crypto type differs in Ed25519 overloads only.
x509.cryptoProvider.set(webcrypto as never);

/** What build() needs to run the certificate authority (same shape as the control plane's). */
export interface IdentityOptions {
  /** 32 bytes: the stored CA private key is encrypted with it (CROSSWAY_CA_KEY_FILE). */
  encryptionKey: Buffer;
  /** Operator-provided root or intermediate, used when the store has no authority yet. */
  provided?: { certificateChainPem: string; privateKeyPem: string };
  now?: () => Date;
}

/** How long an API replica trusts its copy of the authority before re-reading it (CA rotation). */
const AUTHORITY_REFRESH_MS = 10_000;
const MAX_CSR_CHARS = 16_384;
const NOT_CONFIGURED = 'the certificate authority is not configured';

export interface CertificateRouteOptions {
  store: Store;
  /** Undefined: both routes answer 503. */
  authority: CertificateAuthority | undefined;
  authorityOptions: AuthorityOptions | undefined;
  now: () => Date;
}

/** The current authority, re-read at most every AUTHORITY_REFRESH_MS so a rotation elsewhere is seen. */
function authoritySource(
  options: CertificateRouteOptions,
): (() => Promise<CertificateAuthority>) | undefined {
  const { authority: first, authorityOptions } = options;
  if (first === undefined || authorityOptions === undefined) return undefined;
  let current = first;
  let readAt = options.now().getTime();
  return async () => {
    const at = options.now().getTime();
    if (at - readAt < AUTHORITY_REFRESH_MS) return current;
    current = (await storeCall(() => loadAuthority(authorityOptions))) ?? current;
    readAt = at;
    return current;
  };
}

function invalidCsr(message: string): ApiProblem {
  return new ApiProblem('Invalid', 'certificate request is invalid', [{ path: 'csr', message }]);
}

/** The CSR PEM of the body, parsed and its signature checked; a 422 naming `csr` otherwise. */
async function readCsr(body: unknown): Promise<string> {
  const csr =
    typeof body === 'object' && body !== null
      ? (body as Record<string, unknown>)['csr']
      : undefined;
  if (typeof csr !== 'string' || csr.trim() === '')
    throw invalidCsr('is required: a PEM PKCS#10 certificate request');
  if (csr.length > MAX_CSR_CHARS) throw invalidCsr(`must be at most ${MAX_CSR_CHARS} characters`);
  let request: x509.Pkcs10CertificateRequest;
  try {
    request = new x509.Pkcs10CertificateRequest(csr);
  } catch {
    throw invalidCsr('is not a readable PEM PKCS#10 certificate request');
  }
  let valid = false;
  try {
    valid = await request.verify();
  } catch {
    valid = false;
  }
  if (!valid) throw invalidCsr('its signature does not verify with its own public key');
  return csr;
}

function splitName(target: string): [string, string] {
  const [namespace = '', name = ''] = target.split('/');
  return [namespace, name];
}

/** The SPIFFE ID the token's data plane is, from stored objects; 404 when they are missing. */
async function identityOfToken(
  store: Store,
  claims: DataPlaneClaims,
): Promise<{ spiffeId: string; ttlMs: number }> {
  const meshObject = await storeCall(() => store.get({ kind: 'Mesh', name: MESH_NAME }));
  const mesh = meshSpec.parse(meshObject?.spec ?? {});
  const ttlMs = parseDuration(mesh.ca.certTTL) ?? 24 * 3_600_000;
  if (claims.role === 'edge') {
    if (claims.gateway === undefined)
      throw new ApiProblem('Forbidden', 'the data-plane token names no Gateway');
    const [namespace, name] = splitName(claims.gateway);
    const gateway = await storeCall(() => store.get({ kind: 'Gateway', namespace, name }));
    if (!gateway) throw new ApiProblem('NotFound', `Gateway ${claims.gateway} does not exist`);
    return { spiffeId: spiffeIdOfGateway(mesh.trustDomain, namespace, name), ttlMs };
  }
  if (claims.service === undefined)
    throw new ApiProblem('Forbidden', 'the data-plane token names no Service');
  const [namespace, name] = splitName(claims.service);
  const service = await storeCall(() => store.get({ kind: 'Service', namespace, name }));
  if (!service) throw new ApiProblem('NotFound', `Service ${claims.service} does not exist`);
  const account = serviceSpec.safeParse(service.spec);
  const serviceAccount = (account.success ? account.data.serviceAccount : undefined) ?? name;
  return { spiffeId: spiffeIdOfWorkload(mesh.trustDomain, namespace, serviceAccount), ttlMs };
}

/** X.509 validity has whole seconds: answer what the certificate says. */
function wholeSeconds(date: Date): string {
  return new Date(Math.floor(date.getTime() / 1000) * 1000).toISOString();
}

function bundleAnswer(authority: CertificateAuthority, now: Date) {
  const bundle = authority.trustBundle(now);
  return {
    pem: bundle.pem,
    version: bundle.version,
    roots: bundle.roots.map((r) => ({
      subject: r.subject,
      fingerprint256: r.fingerprint256,
      notAfter: wholeSeconds(r.notAfter),
    })),
  };
}

/**
 * The overlap a rotation keeps the old root for: the body's, else twice the Mesh cert
 * TTL. The body is optional, but when given it must be `{overlap?}`: a rotation cannot
 * be undone, so a body that is not what the caller meant (a list, a string, a misspelt
 * field) is refused rather than taken as "no overlap given".
 */
async function overlapOf(store: Store, request: FastifyRequest): Promise<number> {
  const { body } = request;
  // fastify leaves `null` for a request without a body; a JSON `null` has a content type.
  const absent =
    (body === undefined || body === null) && request.headers['content-type'] === undefined;
  let fields: Record<string, unknown> = {};
  if (isPlainObject(body)) fields = body;
  else if (!absent)
    throw new ApiProblem(
      'BadRequest',
      'request body must be a JSON object like {"overlap": "48h"}',
    );
  const unknown = Object.keys(fields).filter((key) => key !== 'overlap');
  if (unknown.length > 0)
    throw new ApiProblem(
      'Invalid',
      'rotation request is invalid',
      unknown.map((key) => ({
        path: formatPath([key]),
        message: 'is not a field of a rotation request',
      })),
    );
  const given = fields['overlap'];
  if (given !== undefined) {
    const ms = typeof given === 'string' ? parseDuration(given) : undefined;
    if (ms === undefined || ms < 60_000)
      throw new ApiProblem('Invalid', 'rotation request is invalid', [
        { path: 'overlap', message: 'must be a duration of at least 1m, such as 48h' },
      ]);
    return ms;
  }
  const meshObject = await storeCall(() => store.get({ kind: 'Mesh', name: MESH_NAME }));
  const mesh = meshSpec.parse(meshObject?.spec ?? {});
  return 2 * (parseDuration(mesh.ca.certTTL) ?? 24 * 3_600_000);
}

export function registerCertificateRoutes(
  app: FastifyInstance,
  options: CertificateRouteOptions,
): void {
  let current = authoritySource(options);

  app.post(
    '/api/v1/certificates',
    {
      config: { dataPlaneTokens: true },
      schema: {
        tags: ['certificates'],
        summary: 'Sign a CSR for the identity of the caller’s data-plane token',
        description:
          'Authenticated by a data-plane token only. The certificate’s SPIFFE ID comes from the token (a Service’s serviceAccount, or a Gateway), never from the CSR; its lifetime is Mesh spec.ca.certTTL. Renew at half-life with a new key.',
        body: z.object({ csr: z.string().describe('PEM PKCS#10 certificate request') }),
      },
    },
    async (request: FastifyRequest, reply) => {
      if (current === undefined) throw new ApiProblem('Unavailable', NOT_CONFIGURED);
      const claims = request.dataPlane;
      if (claims === undefined) {
        request.audit({
          action: 'issue-certificate',
          target: 'certificates',
          result: 'denied',
          reason: 'not a data-plane token',
        });
        throw new ApiProblem('Forbidden', 'POST /api/v1/certificates needs a data-plane token');
      }
      const csr = await readCsr(request.body);
      const { spiffeId, ttlMs } = await identityOfToken(options.store, claims);
      const authority = await current();
      const now = options.now();
      const issued = await authority.signCsr(csr, spiffeId, ttlMs, now);
      request.audit({
        action: 'issue-certificate',
        target: spiffeId,
        result: 'created',
        details: { serial: issued.serialNumber, notAfter: wholeSeconds(issued.notAfter) },
      });
      return reply.code(201).send({
        spiffeId: issued.spiffeId,
        certificateChain: issued.certificateChainPem,
        trustBundle: authority.trustBundle(now).pem,
        notBefore: wholeSeconds(issued.notBefore),
        notAfter: wholeSeconds(issued.notAfter),
      });
    },
  );

  app.get(
    '/api/v1/trust-bundle',
    {
      config: { dataPlaneTokens: true },
      schema: {
        tags: ['certificates'],
        summary: 'The roots every data plane trusts (current first, then retiring ones)',
        description:
          'Any API token or data-plane token. `version` changes exactly when the set of roots changes.',
      },
    },
    async () => {
      if (current === undefined) throw new ApiProblem('Unavailable', NOT_CONFIGURED);
      return bundleAnswer(await current(), options.now());
    },
  );

  app.post(
    '/api/v1/certificate-authority/rotate',
    {
      schema: {
        tags: ['certificates'],
        summary: 'Rotate the mesh CA: a new root signs from now on; the old one stays trusted',
        description:
          'Admins only. `overlap` (default twice Mesh spec.ca.certTTL) is how long the old root stays in the trust bundle, so certificates it signed keep working until they are renewed. Control planes push the new bundle and re-issue workload certificates within their CA poll interval.',
        body: z.object({ overlap: z.string().optional().describe('duration, e.g. 48h') }),
      },
    },
    async (request: FastifyRequest) => {
      const { authorityOptions } = options;
      if (current === undefined || authorityOptions === undefined)
        throw new ApiProblem('Unavailable', NOT_CONFIGURED);
      if (request.principal.role !== 'admin') {
        request.audit({
          action: 'rotate-ca',
          target: 'certificate-authority',
          result: 'denied',
          reason: `role ${request.principal.role}`,
        });
        throw new ApiProblem('Forbidden', 'only admins rotate the certificate authority');
      }
      const overlapMs = await overlapOf(options.store, request);
      const before = (await current()).signerFingerprint;
      const rotated = await storeCall(() => rotateAuthority({ ...authorityOptions, overlapMs }));
      // Serve the new authority at once from this replica.
      current = authoritySource({ ...options, authority: rotated });
      request.audit({
        action: 'rotate-ca',
        target: 'certificate-authority',
        result: 'updated',
        details: { from: before, to: rotated.signerFingerprint, overlap: `${overlapMs}ms` },
      });
      return {
        signerFingerprint: rotated.signerFingerprint,
        previousSignerFingerprint: before,
        trustBundle: bundleAnswer(rotated, options.now()),
      };
    },
  );
}
