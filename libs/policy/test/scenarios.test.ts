// Runs every YAML scenario in test/data: objects in, expected statuses, route
// tables, actions and policy answers out.
import { describe, it } from 'vitest';
import { resolvePolicy } from '../src/index';
import { checkExpectations } from './support/expectations';
import { scenarioFiles } from './support/scenarios';

for (const { file, cases } of scenarioFiles()) {
  describe(file.replace(/\.yaml$/, '').replace(/-/g, ' '), () => {
    for (const scenario of cases) {
      it(scenario.name, () => {
        checkExpectations(resolvePolicy(scenario.objects), scenario.expect);
      });
    }
  });
}
