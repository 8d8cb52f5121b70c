// Views other than the Overview load on first use (Vite splits each dynamic import
// into its own chunk), so the first view's script is only the shell, the Overview and
// the client. A loaded view stays loaded.
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ErrorBox, Loading } from './components/feedback';

export function lazyView<P extends object>(
  name: string,
  load: () => Promise<ComponentType<P>>,
): ComponentType<P> {
  let loaded: ComponentType<P> | undefined;
  return function LazyView(props: P) {
    const [view, setView] = useState<{ component?: ComponentType<P>; error?: unknown }>(() =>
      loaded ? { component: loaded } : {},
    );
    useEffect(() => {
      if (view.component) return;
      let current = true;
      load().then(
        (component) => {
          loaded = component;
          if (current) setView({ component });
        },
        (error: unknown) => current && setView({ error }),
      );
      return () => {
        current = false;
      };
    }, []);
    if (view.error)
      return <ErrorBox error={view.error} title={`Could not load the ${name} view`} />;
    const Component = view.component;
    return Component ? <Component {...props} /> : <Loading what={name} />;
  };
}
