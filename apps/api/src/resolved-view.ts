// The policy as the control plane sees it now: every stored object, validated
// like a write, resolved by @crossway/policy. Used by preview and explain.
import { validateStoredObject, type ValidatedObject } from '@crossway/model';
import { resolvePolicy, type ResolvedPolicy } from '@crossway/policy';
import type { Store } from '@crossway/store';
import { storeCall } from './store-problems';

export async function resolveStore(
  store: Store,
): Promise<{ resolved: ResolvedPolicy; revision: number; objects: ValidatedObject[] }> {
  const listed = await storeCall(() => store.list({}));
  const objects = listed.items.flatMap((o) => validateStoredObject(o) ?? []);
  return { resolved: resolvePolicy(objects), revision: listed.revision, objects };
}
