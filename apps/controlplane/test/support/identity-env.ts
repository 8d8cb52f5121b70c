// A control plane with the mesh identity on, for the identity tests: examples/shop.yaml
// in a memory store or a real etcd (its own prefix), a real startControlPlane with a
// random CA encryption key and an injectable clock, real signed data-plane tokens,
// and helpers to read the SDS Secrets a raw ADS client received.
import { randomBytes, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { issueDataPlaneToken, storeSigningKeys, storeTokenRecords } from '@crossway/auth';
import type { CrosswayObject } from '@crossway/model';
import { EtcdStore, MemoryStore, type Store } from '@crossway/store';
import { etcdEndpointForTests, uniqueTestPrefix } from '@crossway/testing';
import pino, { type Logger } from 'pino';
import { parseAllDocuments } from 'yaml';
import { startControlPlane, type ControlPlane } from '../../src/control-plane';
import { TYPE_URLS } from '../../src/contracts';
import { connect, type SotwClient, type SotwResponse } from './raw-ads-client';

const SHOP = new URL('../../../../examples/shop.yaml', import.meta.url);

export type StoreKind = 'memory' | 'etcd';

export async function openTestStore(kind: StoreKind): Promise<Store> {
  return kind === 'memory'
    ? new MemoryStore()
    : new EtcdStore({
        endpoints: await etcdEndpointForTests(),
        prefix: uniqueTestPrefix('identity'),
      });
}

/** Loads examples/shop.yaml, each object passed through `edit` first. */
export async function loadShop(
  store: Store,
  edit: (object: CrosswayObject) => void = () => undefined,
): Promise<void> {
  const objects = parseAllDocuments(await readFile(SHOP, 'utf8')).map(
    (d) => d.toJSON() as CrosswayObject,
  );
  objects.forEach(edit);
  await store.transaction(objects.map((object) => ({ op: 'upsert' as const, object })));
}

/** A clock the test moves by hand. */
export class TestClock {
  private at = Date.now();
  readonly now = (): Date => new Date(this.at);
  advance(ms: number): void {
    this.at += ms;
  }
}

export interface IdentityEnv {
  store: Store;
  plane: ControlPlane;
  encryptionKey: Buffer;
  /** A signed data-plane token for role and target ("ns/name" of the Service or Gateway). */
  token(role: 'edge' | 'sidecar' | 'proxyless', target?: string): Promise<string>;
  /** A SotW stream for `metadata` (role, service|gateway, ...) with a token for it. */
  stream(id: string, metadata: Record<string, unknown>, token: string): SotwClient;
  close(): Promise<void>;
}

export async function startIdentityEnv(
  options: {
    store?: StoreKind;
    edit?: (object: CrosswayObject) => void;
    clock?: TestClock;
    logger?: Logger;
    authorityPollMs?: number;
    rotationCheckMs?: number;
    provided?: { certificateChainPem: string; privateKeyPem: string };
    /** Another replica: this store (etcd prefix) and CA key instead of new ones. */
    share?: { store: Store; encryptionKey: Buffer };
  } = {},
): Promise<IdentityEnv> {
  const store = options.share?.store ?? (await openTestStore(options.store ?? 'memory'));
  if (!options.share) await loadShop(store, options.edit);
  const encryptionKey = options.share?.encryptionKey ?? randomBytes(32);
  const plane = await startControlPlane({
    store,
    xdsPort: 0,
    logger: options.logger ?? pino({ level: 'silent' }),
    debounceMs: 20,
    writeStatus: false,
    identity: {
      encryptionKey,
      ...(options.clock ? { now: options.clock.now } : {}),
      ...(options.authorityPollMs === undefined
        ? {}
        : { authorityPollMs: options.authorityPollMs }),
      ...(options.provided === undefined ? {} : { provided: options.provided }),
      ...(options.rotationCheckMs === undefined
        ? {}
        : { rotationCheckMs: options.rotationCheckMs }),
    },
  });
  await plane.whenReady();
  const records = storeTokenRecords(store);
  const keys = storeSigningKeys(store);
  const clients: SotwClient[] = [];
  return {
    store,
    plane,
    encryptionKey,
    async token(role, target) {
      const { token } = await issueDataPlaneToken(
        {
          role,
          ...(target === undefined
            ? {}
            : role === 'edge'
              ? { gateway: target }
              : { service: target }),
          ttlMs: 3_600_000,
          createdBy: 'identity-test',
        },
        { records, keys, now: () => new Date() },
      );
      return token;
    },
    stream(id, metadata, token) {
      const client = connect(plane.port, { id, metadata }, token, 20_000);
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.all(clients.map((c) => c.close()));
      await plane.close();
      if (!options.share) await store.close();
    },
  };
}

/** A Secret resource of an SDS response by name. */
export function secretOf(
  response: SotwResponse,
  name: string,
): Record<string, unknown> | undefined {
  return response.resources.find((r) => r['name'] === name);
}

function field(value: unknown, ...path: string[]): unknown {
  let at = value;
  for (const key of path)
    at = typeof at === 'object' && at !== null ? (at as Record<string, unknown>)[key] : undefined;
  return at;
}

/** The PEM blocks of a text, each a certificate. */
export function certificatesIn(pem: string): X509Certificate[] {
  return (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map(
    (block) => new X509Certificate(block),
  );
}

/** crossway-identity of a response: the leaf certificate and the key's PEM. */
export function identityOf(response: SotwResponse): { leaf: X509Certificate; keyPem: string } {
  const secret = secretOf(response, 'crossway-identity');
  const chain = field(secret, 'tls_certificate', 'certificate_chain', 'inline_string');
  const key = field(secret, 'tls_certificate', 'private_key', 'inline_string');
  if (typeof chain !== 'string' || typeof key !== 'string')
    throw new Error('crossway-identity carries no inline chain and key');
  const [leaf] = certificatesIn(chain);
  if (!leaf) throw new Error('crossway-identity has no certificate');
  return { leaf, keyPem: key };
}

/** crossway-roots of a response: the trusted root certificates. */
export function rootsOf(response: SotwResponse): X509Certificate[] {
  const pem = field(
    secretOf(response, 'crossway-roots'),
    'validation_context',
    'trusted_ca',
    'inline_string',
  );
  if (typeof pem !== 'string') throw new Error('crossway-roots carries no inline trusted_ca');
  return certificatesIn(pem);
}

/** "URI:spiffe://..." entries of a certificate's subjectAltName. */
export function uriSans(certificate: X509Certificate): string[] {
  return (certificate.subjectAltName ?? '')
    .split(', ')
    .filter((s) => s.startsWith('URI:'))
    .map((s) => s.slice('URI:'.length));
}

/** True when `leaf` is signed by one of `roots`. */
export function signedByOneOf(leaf: X509Certificate, roots: readonly X509Certificate[]): boolean {
  return roots.some((root) => leaf.checkIssued(root) && leaf.verify(root.publicKey));
}

/** Subscribes to the secrets `names` and returns the first SDS response. */
export async function fetchSecrets(client: SotwClient, names: string[]): Promise<SotwResponse> {
  client.request(TYPE_URLS.secrets, names);
  const response = await client.waitForResponse(TYPE_URLS.secrets, 10_000);
  client.ack(response);
  return response;
}
