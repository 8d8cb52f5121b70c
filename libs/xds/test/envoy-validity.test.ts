// Every resource of every golden case is a valid Envoy message: it converts without
// dropping anything, passes Envoy's PGV rules, and the snapshot is consistent.
import { checkedFromObject, validateMessage } from '@crossway/protos';
import { describe, expect, it } from 'vitest';
import { ENVOY_TYPES, RESOURCE_KIND_ORDER } from '../src/index';
import { caseInput, caseNames, loadObjects, runEdge } from './support/edge-cases';

describe('emitted Envoy resources', () => {
  for (const name of caseNames()) {
    it(`case ${name} emits only resources that convert and pass PGV`, () => {
      const { resources } = runEdge(loadObjects(caseInput(name)));
      const failures: string[] = [];
      for (const kind of RESOURCE_KIND_ORDER)
        for (const resource of resources[kind]) {
          const checked = checkedFromObject(ENVOY_TYPES[kind], resource);
          if (!checked.ok) failures.push(`${kind}: ${JSON.stringify(checked.problems)}`);
          for (const v of validateMessage(ENVOY_TYPES[kind], resource))
            failures.push(`${kind} ${v.path}: ${v.rule} ${v.message}`);
        }
      expect(failures).toEqual([]);
    });

    it(`case ${name} gives a consistent snapshot`, () => {
      expect(runEdge(loadObjects(caseInput(name))).snapshot.problems).toEqual([]);
    });
  }
});
