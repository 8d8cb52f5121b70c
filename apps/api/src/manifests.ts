// Reads multi-document YAML (or a JSON list) of model objects and validates each,
// naming the document and field of every violation. Nothing is written here.
import { parseAllDocuments } from 'yaml';
import { validateObject, type ValidatedObject, type Violation } from '@crossway/model';

export interface ManifestViolation extends Violation {
  /** Zero-based index of the document in the input. */
  document: number;
  line?: number;
}

export type ManifestResult =
  { ok: true; objects: ValidatedObject[] } | { ok: false; violations: ManifestViolation[] };

export function parseManifests(text: string): ManifestResult {
  const violations: ManifestViolation[] = [];
  const objects: ValidatedObject[] = [];
  const documents = parseAllDocuments(text);
  let index = 0;
  for (const doc of documents) {
    const document = index++;
    if (doc.errors.length > 0) {
      for (const error of doc.errors) {
        violations.push({
          document,
          path: '',
          message: error.message,
          ...(error.linePos ? { line: error.linePos[0].line } : {}),
        });
      }
      continue;
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    const items = Array.isArray(value) ? value : [value];
    for (const item of items) {
      const result = validateObject(item);
      if (result.ok) objects.push(result.value);
      else violations.push(...result.violations.map((v) => ({ ...v, document })));
    }
  }
  return violations.length > 0 ? { ok: false, violations } : { ok: true, objects };
}
