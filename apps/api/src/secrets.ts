// Secret private keys are write-only: reads carry status.keySha256 instead, and
// a write that omits the key keeps the stored one.
import type { CrosswayObject } from '@crossway/model';
import { sha256Hex } from './auth/tokens';
import { isPlainObject } from './merge-patch';

const KEY = 'tls.key';

function secretData(object: CrosswayObject): Record<string, unknown> | undefined {
  if (object.kind !== 'Secret' || !isPlainObject(object.spec)) return undefined;
  const data = object.spec['data'];
  return isPlainObject(data) ? data : undefined;
}

/** The object as every API reader sees it: no private key, its hash in status. */
export function redactSecret<T extends CrosswayObject>(object: T): T {
  const data = secretData(object);
  const key = data?.[KEY];
  if (data === undefined || typeof key !== 'string' || !isPlainObject(object.spec)) return object;
  const { [KEY]: _removed, ...rest } = data;
  return {
    ...object,
    spec: { ...object.spec, data: rest },
    status: { ...object.status, keySha256: sha256Hex(key) },
  };
}

/** Carries the stored key into an incoming Secret that omits it. */
export function keepSecretKey<T extends CrosswayObject>(
  incoming: T,
  stored: CrosswayObject | undefined,
): T {
  const data = secretData(incoming);
  const storedKey = stored ? secretData(stored)?.[KEY] : undefined;
  if (
    data === undefined ||
    data[KEY] !== undefined ||
    typeof storedKey !== 'string' ||
    !isPlainObject(incoming.spec)
  )
    return incoming;
  return { ...incoming, spec: { ...incoming.spec, data: { ...data, [KEY]: storedKey } } };
}
