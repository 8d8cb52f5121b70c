// Turns a request body into a validated object for a known kind and place,
// reporting every problem as a field-path violation.
import {
  API_VERSION,
  validateObject,
  type AnyKindDescriptor,
  type ValidatedObject,
  type Violation,
} from '@crossway/model';
import { YamlDocuments } from './body-parsers';
import { isPlainObject } from './merge-patch';
import { ApiProblem } from './problems';

/** The one object of a JSON body, or of a single-document YAML body. */
export function singleObject(body: unknown): Record<string, unknown> {
  const value =
    body instanceof YamlDocuments
      ? body.documents.length === 1
        ? body.documents[0]
        : undefined
      : body;
  if (body instanceof YamlDocuments && body.documents.length !== 1) {
    throw new ApiProblem(
      'BadRequest',
      `expected one YAML document, got ${body.documents.length}; use POST /api/v1/apply for several`,
    );
  }
  if (!isPlainObject(value))
    throw new ApiProblem('BadRequest', 'request body must be a JSON object');
  return value;
}

export interface Place {
  descriptor: AnyKindDescriptor;
  namespace?: string;
  name?: string;
}

/** Validates a body written to a kind's URL: kind and apiVersion may be omitted, namespace and name must agree with the URL. */
export function validateAt(body: Record<string, unknown>, place: Place): ValidatedObject {
  const violations: Violation[] = [];
  const input: Record<string, unknown> = {
    apiVersion: API_VERSION,
    kind: place.descriptor.kind,
    ...body,
  };
  if (input['kind'] !== place.descriptor.kind)
    violations.push({ path: 'kind', message: `must be ${place.descriptor.kind} at this URL` });
  const metadata = isPlainObject(input['metadata']) ? { ...input['metadata'] } : input['metadata'];
  if (isPlainObject(metadata)) {
    if (place.namespace !== undefined) {
      if (metadata['namespace'] === undefined) metadata['namespace'] = place.namespace;
      else if (metadata['namespace'] !== place.namespace)
        violations.push({
          path: 'metadata.namespace',
          message: `must be "${place.namespace}" (the namespace in the URL)`,
        });
    }
    if (place.name !== undefined) {
      if (metadata['name'] === undefined) metadata['name'] = place.name;
      else if (metadata['name'] !== place.name)
        violations.push({
          path: 'metadata.name',
          message: `must be "${place.name}" (the name in the URL)`,
        });
    }
    input['metadata'] = metadata;
  }
  if (violations.length > 0)
    throw new ApiProblem('Invalid', `${place.descriptor.kind} is invalid`, violations);
  const result = validateObject(input);
  if (!result.ok)
    throw new ApiProblem(
      'Invalid',
      `${place.descriptor.kind} is invalid: ${result.violations.length} violation${result.violations.length === 1 ? '' : 's'}`,
      result.violations,
    );
  return result.value;
}
