// HMAC keys that sign data-plane tokens, kept in the store's "signing-keys" record
// area so every replica signs and verifies with the same ones. Created on first use;
// never returned by the API. Replicas racing to create the first key each write their
// own (keys are stored by id), and all sign with the lowest id, so they agree.
import { randomBytes } from 'node:crypto';
import type { Store } from '@crossway/store';

export interface SigningKey {
  id: string;
  /** base64url of 32 random bytes. */
  secret: string;
  createdAt: string;
}

export interface SigningKeys {
  /** The key new tokens are signed with (created if there is none). */
  current(): Promise<SigningKey>;
  /** A key by id, for verification (cached: keys never change). */
  get(id: string): Promise<SigningKey | undefined>;
}

const AREA = 'signing-keys';

function parseKey(value: unknown): SigningKey {
  if (typeof value === 'object' && value !== null) {
    const { id, secret, createdAt } = value as Record<string, unknown>;
    if (typeof id === 'string' && typeof secret === 'string' && typeof createdAt === 'string')
      return { id, secret, createdAt };
  }
  throw new Error('not a signing key');
}

export function storeSigningKeys(store: Store, now: () => Date = () => new Date()): SigningKeys {
  const area = store.records(AREA, parseKey);
  const known = new Map<string, SigningKey>();
  let current: SigningKey | undefined;
  return {
    current: async () => {
      if (current !== undefined) return current;
      let keys = await area.list();
      if (keys.length === 0) {
        const key: SigningKey = {
          id: randomBytes(6).toString('hex'),
          secret: randomBytes(32).toString('base64url'),
          createdAt: now().toISOString(),
        };
        await area.put(key.id, key);
        keys = await area.list();
      }
      const first = keys[0];
      if (first === undefined) throw new Error('no signing key could be created');
      current = first.value;
      known.set(current.id, current);
      return current;
    },
    get: async (id) => {
      const cached = known.get(id);
      if (cached !== undefined) return cached;
      if (!/^[0-9a-f]{1,32}$/.test(id)) return undefined;
      const key = await area.get(id);
      if (key !== undefined) known.set(id, key);
      return key;
    },
  };
}
