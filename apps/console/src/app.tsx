// The console's shell: sign-in with a token, the navigation, and the route table.
import { useEffect, useState } from 'preact/hooks';
import { ErrorBox } from './components/feedback';
import { Link, matchRoute, navigate, useLocation } from './router';
import { SessionContext, signIn, TOKEN_KEY, type Session } from './session';
import { lazyView } from './lazy';
import { OverviewView } from './views/overview';

const TopologyView = lazyView('topology', () =>
  import('./views/topology').then((m) => m.TopologyView),
);
const ObjectList = lazyView<{ kind?: string }>('objects', () =>
  import('./views/objects').then((m) => m.ObjectList),
);
const ObjectPage = lazyView<{ kind: string; namespace?: string; name: string }>('object', () =>
  import('./views/objects').then((m) => m.ObjectPage),
);
const DataPlaneList = lazyView('data planes', () =>
  import('./views/dataplanes').then((m) => m.DataPlaneList),
);
const DataPlanePage = lazyView<{ id: string }>('data plane', () =>
  import('./views/dataplanes').then((m) => m.DataPlanePage),
);
const PreviewPage = lazyView('preview', () =>
  import('./views/dataplanes').then((m) => m.PreviewPage),
);
const ExplainView = lazyView('explain', () => import('./views/explain').then((m) => m.ExplainView));

const NAV: { href: string; label: string; matches: (path: string) => boolean }[] = [
  { href: '/', label: 'Overview', matches: (p) => p === '/' },
  { href: '/topology', label: 'Topology', matches: (p) => p.startsWith('/topology') },
  { href: '/objects', label: 'Objects', matches: (p) => p.startsWith('/objects') },
  {
    href: '/dataplanes',
    label: 'Data planes',
    matches: (p) => p.startsWith('/dataplanes') || p.startsWith('/preview'),
  },
  { href: '/explain', label: 'Explain', matches: (p) => p.startsWith('/explain') },
];

/** The view for an app path; unknown paths get a not-found page. */
export function RouteView({ path }: { path: string }) {
  let params: Record<string, string> | undefined;
  if (path === '/') return <OverviewView />;
  if (matchRoute('/topology', path)) return <TopologyView />;
  if (matchRoute('/objects', path)) return <ObjectList />;
  if ((params = matchRoute('/objects/:kind', path))) return <ObjectList kind={params['kind']!} />;
  if ((params = matchRoute('/objects/:kind/:namespace/:name', path)))
    return (
      <ObjectPage
        kind={params['kind']!}
        name={params['name']!}
        {...(params['namespace'] === '-' ? {} : { namespace: params['namespace']! })}
      />
    );
  if (matchRoute('/dataplanes', path)) return <DataPlaneList />;
  if ((params = matchRoute('/dataplanes/:id', path))) return <DataPlanePage id={params['id']!} />;
  if (matchRoute('/preview', path)) return <PreviewPage />;
  if (matchRoute('/explain', path)) return <ExplainView />;
  return (
    <section>
      <h1>Not found</h1>
      <p>
        Nothing lives at <code>{path}</code>. <Link href="/">Back to the overview</Link>.
      </p>
    </section>
  );
}

export function Shell({ session }: { session: Session }) {
  const { path } = useLocation();
  return (
    <SessionContext.Provider value={session}>
      <header class="topbar">
        <Link href="/" class="brand">
          Crossway
        </Link>
        <nav aria-label="Main">
          {NAV.map((item) => (
            <Link
              key={item.href}
              href={item.href}
              {...(item.matches(path) ? { 'aria-current': 'page' as const } : {})}
            >
              {item.label}
            </Link>
          ))}
        </nav>
        <span class="whoami" data-testid="whoami">
          {session.me.id} · <strong>{session.me.role}</strong>
          {session.me.namespaces ? ` (${session.me.namespaces.join(', ')})` : ''}
        </span>
        <button type="button" class="link-button" onClick={() => session.signOut()}>
          Sign out
        </button>
      </header>
      <main>
        <RouteView path={path} />
      </main>
    </SessionContext.Provider>
  );
}

export function SignIn({ onSession }: { onSession: (token: string, session: Session) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  return (
    <main class="signin">
      <h1>Crossway console</h1>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          setBusy(true);
          setError(undefined);
          signIn(token.trim(), () => undefined).then(
            (session) => onSession(token.trim(), session),
            (e: unknown) => {
              setError(e);
              setBusy(false);
            },
          );
        }}
      >
        <label for="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="off"
          placeholder="cw_…"
          value={token}
          onInput={(e) => setToken(e.currentTarget.value)}
          required
        />
        <button type="submit" disabled={busy || token.trim() === ''}>
          Sign in
        </button>
        <p class="hint">
          The token stays in this browser tab only. <code>crossway token create</code> or{' '}
          <code>POST /api/v1/tokens</code> issues one.
        </p>
        <ErrorBox error={error} title="Sign-in failed" />
      </form>
    </main>
  );
}

export function App() {
  const [session, setSession] = useState<Session | undefined>(undefined);
  const [restoring, setRestoring] = useState(() => sessionStorage.getItem(TOKEN_KEY) !== null);
  const signOut = () => {
    sessionStorage.removeItem(TOKEN_KEY);
    setSession(undefined);
    navigate('/');
  };
  useEffect(() => {
    const saved = sessionStorage.getItem(TOKEN_KEY);
    if (saved === null) return;
    signIn(saved, signOut).then(
      (s) => {
        setSession(s);
        setRestoring(false);
      },
      () => {
        sessionStorage.removeItem(TOKEN_KEY);
        setRestoring(false);
      },
    );
  }, []);
  if (restoring) return <p class="loading">Signing in…</p>;
  if (!session)
    return (
      <SignIn
        onSession={(token, s) => {
          sessionStorage.setItem(TOKEN_KEY, token);
          setSession({ ...s, signOut });
        }}
      />
    );
  return <Shell session={session} />;
}
