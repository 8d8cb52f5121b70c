// Client-side routing under /ui with the History API. Paths inside the app are
// written without the /ui base ("/objects/httproutes/shop/storefront"); Link and
// navigate add it. Routes are matched with ":name" segments.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export const BASE = '/ui';

export interface AppLocation {
  /** Path inside the app, starting with "/". */
  path: string;
  query: URLSearchParams;
}

const listeners = new Set<() => void>();

function currentLocation(): AppLocation {
  const { pathname, search } = window.location;
  const inside = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  return { path: inside === '' ? '/' : inside, query: new URLSearchParams(search) };
}

/** The full browser path of an app path ("/topology" -> "/ui/topology"). */
export function hrefOf(path: string): string {
  return `${BASE}${path.startsWith('/') ? path : `/${path}`}`;
}

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  const href = hrefOf(path);
  if (options.replace) window.history.replaceState(null, '', href);
  else window.history.pushState(null, '', href);
  for (const listener of listeners) listener();
}

export function useLocation(): AppLocation {
  const [location, setLocation] = useState(currentLocation);
  useEffect(() => {
    const update = () => setLocation(currentLocation());
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return location;
}

/** The params of `pattern` ("/objects/:kind/:namespace/:name") in `path`, or undefined. */
export function matchRoute(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/').filter(Boolean);
  const have = path.split('/').filter(Boolean);
  if (want.length !== have.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const h = have[i]!;
    if (w.startsWith(':')) {
      try {
        params[w.slice(1)] = decodeURIComponent(h);
      } catch {
        return undefined;
      }
    } else if (w !== h) return undefined;
  }
  return params;
}

interface LinkProps {
  href: string;
  children?: ComponentChildren;
  class?: string;
  title?: string;
  'aria-current'?: 'page';
  'aria-label'?: string;
  'data-testid'?: string;
}

/** An in-app link: a real <a href> (open in a new tab works) that navigates without a reload. */
export function Link({ href, children, ...rest }: LinkProps) {
  return (
    <a
      {...rest}
      href={hrefOf(href)}
      onClick={(event) => {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
        event.preventDefault();
        navigate(href);
      }}
    >
      {children}
    </a>
  );
}
