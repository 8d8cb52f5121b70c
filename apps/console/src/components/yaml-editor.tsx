// A YAML editor (a labelled textarea) whose field errors are shown under the lines they
// concern, in an annotated copy of the text below it; and a view of an apply's diff.
import type { DiffEntry } from '@crossway/client';
import { lineOfPath, parseYaml } from './yaml-paths';

export interface FieldError {
  /** Path relative to the object ("spec.rules[0].backendRefs[0].port"). */
  path: string;
  message: string;
}

export interface YamlEditorProps {
  id: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  errors: readonly FieldError[];
  /** Text errors without a field (YAML syntax: "line 3, column 5: …"). */
  syntaxErrors?: readonly string[];
}

/** Lines of context shown above an error's line. */
const CONTEXT_BEFORE = 3;

export function YamlEditor({ id, label, value, onInput, errors, syntaxErrors }: YamlEditorProps) {
  const invalid = errors.length > 0 || (syntaxErrors?.length ?? 0) > 0;
  return (
    <div class="yaml-editor">
      <label for={id}>{label}</label>
      <textarea
        id={id}
        rows={Math.min(Math.max(value.split('\n').length + 1, 8), 40)}
        spellcheck={false}
        value={value}
        aria-invalid={invalid ? 'true' : 'false'}
        {...(invalid ? { 'aria-describedby': `${id}-errors` } : {})}
        onInput={(e) => onInput(e.currentTarget.value)}
      />
      {syntaxErrors && syntaxErrors.length > 0 ? (
        <div class="error-box" role="alert" id={`${id}-errors`}>
          <strong>YAML syntax error</strong>
          <ul>
            {syntaxErrors.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {errors.length > 0 ? (
        <AnnotatedYaml text={value} errors={errors} id={`${id}-errors`} />
      ) : null}
    </div>
  );
}

/** The text with each error under the line of its field, then the errors as a list. */
export function AnnotatedYaml({
  text,
  errors,
  id,
}: {
  text: string;
  errors: readonly FieldError[];
  id?: string;
}) {
  const parsed = parseYaml(text);
  const byLine = new Map<number, FieldError[]>();
  const unplaced: FieldError[] = [];
  for (const error of errors) {
    const line = lineOfPath(parsed, error.path);
    if (line === undefined) unplaced.push(error);
    else byLine.set(line, [...(byLine.get(line) ?? []), error]);
  }
  const lines = text.split('\n');
  // Only the lines around errors, so each message shows under its line without scrolling.
  const shown = new Set<number>();
  for (const line of byLine.keys())
    for (let n = Math.max(1, line - CONTEXT_BEFORE); n <= Math.min(lines.length, line + 1); n++)
      shown.add(n);
  const numbers = [...shown].sort((a, b) => a - b);
  return (
    <div class="annotated-yaml" {...(id === undefined ? {} : { id })}>
      <h3>Errors in the YAML</h3>
      {numbers.length > 0 ? (
        <ol class="yaml-lines">
          {numbers.map((n, i) => {
            const here = byLine.get(n);
            const gap = i > 0 && numbers[i - 1] !== n - 1;
            return (
              <li key={n} class={here ? 'yaml-line has-error' : 'yaml-line'} data-line={n}>
                {gap ? <span class="yaml-gap">⋯</span> : null}
                <span class="line-number">{n}</span>
                <code>{lines[n - 1] || ' '}</code>
                {here?.map((e) => (
                  <p
                    key={`${e.path}:${e.message}`}
                    class="field-error"
                    data-path={e.path}
                    role="alert"
                  >
                    line {n}: <code>{e.path}</code> {e.message}
                  </p>
                ))}
              </li>
            );
          })}
        </ol>
      ) : null}
      <ul class="field-error-list">
        {errors.map((e) => (
          <li key={`${e.path}:${e.message}`}>
            <code>{e.path || '(object)'}</code>: {e.message}
          </li>
        ))}
      </ul>
      {unplaced.length > 0 ? (
        <p class="muted">
          {unplaced.length} error(s) concern fields that are not in the text (shown in the list).
        </p>
      ) : null}
    </div>
  );
}

function show(value: unknown): string {
  if (value === undefined) return '∅';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** An apply's field changes: path, operation, old value -> new value. */
export function DiffView({ entries }: { entries: readonly DiffEntry[] }) {
  if (entries.length === 0) return <p class="muted">No changes: the stored object is the same.</p>;
  return (
    <table class="diff-table" aria-label="Changes">
      <thead>
        <tr>
          <th>Path</th>
          <th>Change</th>
          <th>From</th>
          <th>To</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((entry) => (
          <tr key={entry.path} data-path={entry.path}>
            <td>
              <code>{entry.path}</code>
            </td>
            <td>{entry.op}</td>
            <td class={entry.op === 'add' ? 'muted' : 'diff-remove'}>
              <code>{entry.op === 'add' ? '' : show(entry.from)}</code>
            </td>
            <td class={entry.op === 'remove' ? 'muted' : 'diff-add'}>
              <code>{entry.op === 'remove' ? '' : `→ ${show(entry.to)}`}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
