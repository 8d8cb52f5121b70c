// The reliability suite (`npm run test:reliability`): not part of `npm test`. Files run
// one after another: each starts its own etcd and processes, and several measure
// latencies that a neighbour's load would distort.
import { mergeConfig } from 'vitest/config';
import { projectTestConfig } from '../vitest.shared.ts';

export default mergeConfig(projectTestConfig({ testTimeout: 30 * 60_000 }), {
  test: { fileParallelism: false, hookTimeout: 120_000 },
});
