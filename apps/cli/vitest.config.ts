import { projectTestConfig } from '../../vitest.shared.ts';

export default projectTestConfig({ testTimeout: 30_000 });
