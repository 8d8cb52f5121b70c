// Loads the demo policy set into an empty store in one transaction.
import type { Store } from '@crossway/store';
import { parseManifests } from './manifests';

export async function loadDemo(
  store: Store,
  yamlText: string,
): Promise<{ objects: number; revision: number }> {
  const parsed = parseManifests(yamlText);
  if (!parsed.ok) {
    const first = parsed.violations[0];
    throw new Error(
      `demo policy set is invalid: document ${first?.document} ${first?.path}: ${first?.message}`,
    );
  }
  const result = await store.transaction(
    parsed.objects.map((object) => ({ op: 'upsert' as const, object })),
  );
  return { objects: parsed.objects.length, revision: result.revision };
}
