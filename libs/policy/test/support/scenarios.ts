// Loads YAML scenario files: each holds `cases`, each case a list of objects (as
// a client writes them, plus metadata.creationTimestamp and generation, which the
// store sets) and what resolvePolicy must produce for them.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { validateObject, type ValidatedObject } from '@crossway/model';
import { parse } from 'yaml';

export const dataDir = fileURLToPath(new URL('../data/', import.meta.url));

export interface Scenario {
  name: string;
  objects: ValidatedObject[];
  expect: Record<string, unknown>;
}

export interface ScenarioFile {
  file: string;
  cases: Scenario[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const DEFAULT_TIMESTAMP = '2024-01-01T00:00:00Z';

/** Validates like the API would, then restores the server-owned fields the store keeps. */
export function toValidated(raw: unknown, where: string): ValidatedObject {
  const result = validateObject(raw);
  if (!result.ok) throw new Error(`${where}: invalid object: ${JSON.stringify(result.violations)}`);
  const metadata = isRecord(raw) && isRecord(raw['metadata']) ? raw['metadata'] : {};
  const generation = metadata['generation'];
  const created = metadata['creationTimestamp'];
  result.value.metadata.generation = typeof generation === 'number' ? generation : 1;
  result.value.metadata.creationTimestamp =
    typeof created === 'string' ? created : DEFAULT_TIMESTAMP;
  return result.value;
}

export function loadScenarioFile(file: string): ScenarioFile {
  const doc: unknown = parse(readFileSync(`${dataDir}${file}`, 'utf8'), { maxAliasCount: -1 });
  if (!isRecord(doc) || !Array.isArray(doc['cases']))
    throw new Error(`${file}: expected a top-level "cases" list`);
  const cases = doc['cases'].map((c: unknown, i: number): Scenario => {
    if (!isRecord(c) || typeof c['name'] !== 'string' || !Array.isArray(c['objects']))
      throw new Error(`${file}: case ${i} needs a name and objects`);
    const name = c['name'];
    const objects = c['objects']
      .flat()
      .map((o: unknown, j: number) => toValidated(o, `${file}: "${name}" object ${j}`));
    return { name, objects, expect: isRecord(c['expect']) ? c['expect'] : {} };
  });
  return { file, cases };
}

export function scenarioFiles(): ScenarioFile[] {
  return readdirSync(dataDir)
    .filter((f) => f.endsWith('.yaml') && !f.startsWith('helpers-'))
    .sort()
    .map(loadScenarioFile);
}

export function loadYaml(file: string): unknown {
  return parse(readFileSync(`${dataDir}${file}`, 'utf8'));
}
