// Loading and error states every view shows the same way.
import { CrosswayApiError } from '@crossway/client';

export function Loading({ what }: { what: string }) {
  return (
    <p class="loading" role="status">
      Loading {what}…
    </p>
  );
}

/** An API error with its title, detail and field errors; any other error by its message. */
export function ErrorBox({ error, title }: { error: unknown; title?: string }) {
  if (error === undefined || error === null) return null;
  if (error instanceof CrosswayApiError) {
    return (
      <div class="error-box" role="alert">
        <strong>{title ?? `${error.status} ${error.title}`}</strong>
        {error.detail ? <p>{error.detail}</p> : null}
        {error.errors.length > 0 ? (
          <ul>
            {error.errors.map((e) => (
              <li key={`${e.path}:${e.message}`}>
                <code>{e.path}</code>: {e.message}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    );
  }
  return (
    <div class="error-box" role="alert">
      <strong>{title ?? 'Error'}</strong>
      <p>{error instanceof Error ? error.message : String(error)}</p>
    </div>
  );
}
