// The policy as the control plane sees it now: every stored object, validated
// like a write, resolved by @crossway/policy. Used by preview and explain.
import { validateObject, type CrosswayObject, type ValidatedObject } from '@crossway/model';
import { resolvePolicy, type ResolvedPolicy } from '@crossway/policy';
import type { Store } from '@crossway/store';
import { storeCall } from './store-problems';

/** A stored object as the policy layer takes it: canonical spec plus the server-owned metadata it ranks by. */
export function asValidated(stored: CrosswayObject): ValidatedObject | undefined {
  const result = validateObject(stored);
  if (!result.ok) return undefined;
  const { generation, creationTimestamp, uid, resourceVersion } = stored.metadata;
  Object.assign(result.value.metadata, {
    ...(generation === undefined ? {} : { generation }),
    ...(creationTimestamp === undefined ? {} : { creationTimestamp }),
    ...(uid === undefined ? {} : { uid }),
    ...(resourceVersion === undefined ? {} : { resourceVersion }),
  });
  return result.value;
}

export async function resolveStore(
  store: Store,
): Promise<{ resolved: ResolvedPolicy; revision: number; objects: ValidatedObject[] }> {
  const listed = await storeCall(() => store.list({}));
  const objects = listed.items.flatMap((o) => asValidated(o) ?? []);
  return { resolved: resolvePolicy(objects), revision: listed.revision, objects };
}
