// Loading data from the API in a view: the answer, the error, and a reload.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface ApiState<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): void;
}

/** Runs `load` when `deps` change; a late answer for old deps is dropped. */
export function useApi<T>(load: () => Promise<T>, deps: readonly unknown[]): ApiState<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: true,
  });
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const run = useCallback(() => {
    const mine = ++generation.current;
    setState((s) => ({ ...s, loading: true }));
    loadRef.current().then(
      (data) => {
        if (mine === generation.current) setState({ data, error: undefined, loading: false });
      },
      (error: unknown) => {
        if (mine === generation.current) setState({ data: undefined, error, loading: false });
      },
    );
  }, []);
  // The caller names the deps, as with useEffect.
  useEffect(run, deps);
  return { ...state, reload: run };
}
