// Editing one object as YAML: a dry-run apply previews the field diff or shows the
// API's validation errors at the lines of their fields; Save updates the object with
// its resourceVersion, so a concurrent change answers 409 instead of being overwritten.
import { useState } from 'preact/hooks';
import { stringify } from 'yaml';
import { CrosswayApiError, type ApiObject, type DiffEntry } from '@crossway/client';
import { ErrorBox } from '../../components/feedback';
import { DiffView, YamlEditor, type FieldError } from '../../components/yaml-editor';
import { parseYaml, stripItemPrefix, syntaxErrors } from '../../components/yaml-paths';
import { useSession } from '../../session';

/** The object as an operator edits it: no status, no server-set metadata but resourceVersion. */
export function editableObject(object: ApiObject): Record<string, unknown> {
  const { name, namespace, labels, annotations, resourceVersion } = object.metadata;
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    metadata: {
      name,
      ...(namespace === undefined ? {} : { namespace }),
      ...(labels === undefined ? {} : { labels }),
      ...(annotations === undefined ? {} : { annotations }),
      ...(resourceVersion === undefined ? {} : { resourceVersion }),
    },
    spec: object.spec,
  };
}

type Outcome =
  | { type: 'none' }
  | { type: 'diff'; entries: DiffEntry[] }
  | { type: 'saved'; resourceVersion: string | undefined }
  | { type: 'conflict' }
  | { type: 'error'; error: unknown };

export function ObjectEditor({
  object,
  onDone,
  onSaved,
}: {
  object: ApiObject;
  onDone: () => void;
  onSaved: (saved: ApiObject) => void;
}) {
  const { client } = useSession();
  const [text, setText] = useState(() => stringify(editableObject(object)));
  const [fieldErrors, setFieldErrors] = useState<FieldError[]>([]);
  const [syntax, setSyntax] = useState<string[]>([]);
  const [outcome, setOutcome] = useState<Outcome>({ type: 'none' });
  const [busy, setBusy] = useState(false);

  /** The edited object, or undefined after showing the YAML's syntax errors. */
  const parsed = (): ApiObject | undefined => {
    const doc = parseYaml(text);
    const errors = syntaxErrors(doc);
    setSyntax(errors.map((e) => `line ${e.line}, column ${e.col}: ${e.message}`));
    if (errors.length > 0) return undefined;
    return doc.doc.toJS() as ApiObject;
  };

  const failed = (error: unknown) => {
    if (error instanceof CrosswayApiError && error.status === 409) {
      setFieldErrors([]);
      setOutcome({ type: 'conflict' });
      return;
    }
    if (error instanceof CrosswayApiError && error.errors.length > 0)
      setFieldErrors(
        error.errors.map((e) => ({ path: stripItemPrefix(e.path), message: e.message })),
      );
    else setFieldErrors([]);
    setOutcome({ type: 'error', error });
  };

  const run = async (action: (edited: ApiObject) => Promise<void>) => {
    const edited = parsed();
    if (!edited) {
      setFieldErrors([]);
      setOutcome({ type: 'none' });
      return;
    }
    setBusy(true);
    try {
      await action(edited);
    } catch (error) {
      failed(error);
    } finally {
      setBusy(false);
    }
  };

  const preview = () =>
    run(async (edited) => {
      const answer = await client.apply([edited], { dryRun: true, diff: true });
      setFieldErrors([]);
      setOutcome({ type: 'diff', entries: answer.results[0]?.diff ?? [] });
    });

  const save = () =>
    run(async (edited) => {
      const saved = await client.update(edited);
      setFieldErrors([]);
      setOutcome({ type: 'saved', resourceVersion: saved.metadata.resourceVersion });
      setText(stringify(editableObject(saved)));
      onSaved(saved);
    });

  return (
    <div class="object-editor panel">
      <h2>Edit</h2>
      <YamlEditor
        id="object-yaml"
        label="YAML"
        value={text}
        onInput={(value) => {
          setText(value);
          setSyntax([]);
        }}
        errors={fieldErrors}
        syntaxErrors={syntax}
      />
      <div class="row editor-actions">
        <button type="button" class="secondary" disabled={busy} onClick={() => void preview()}>
          Preview changes
        </button>
        <button type="button" disabled={busy} onClick={() => void save()}>
          Save
        </button>
        <button type="button" class="secondary" disabled={busy} onClick={onDone}>
          Cancel
        </button>
      </div>
      {outcome.type === 'diff' ? (
        <div class="diff-preview">
          <h3>Changes a save would make (dry run)</h3>
          <DiffView entries={outcome.entries} />
        </div>
      ) : null}
      {outcome.type === 'saved' ? (
        <p role="status" class="saved">
          Saved. New resourceVersion <code>{outcome.resourceVersion}</code>.
        </p>
      ) : null}
      {outcome.type === 'conflict' ? (
        <div class="error-box" role="alert">
          <strong>Someone else changed this object since you opened it.</strong>
          <p>Reload it to edit the current version (your text here is replaced).</p>
          <button
            type="button"
            class="secondary"
            onClick={() => {
              void client
                .get(object.kind, object.metadata.name, object.metadata.namespace)
                .then((current) => {
                  setText(stringify(editableObject(current)));
                  setOutcome({ type: 'none' });
                  onSaved(current);
                }, failed);
            }}
          >
            Reload
          </button>
        </div>
      ) : null}
      {outcome.type === 'error' && fieldErrors.length === 0 ? (
        <ErrorBox error={outcome.error} />
      ) : null}
      {outcome.type === 'error' &&
      fieldErrors.length > 0 &&
      outcome.error instanceof CrosswayApiError ? (
        <p class="muted">
          {outcome.error.status} {outcome.error.title}: nothing was stored.
        </p>
      ) : null}
    </div>
  );
}
