// Topology: Gateways -> routes -> Services -> Workloads in four columns of cards with
// the links drawn as an SVG overlay (measured from the cards, redrawn on resize),
// mesh calls between Services in a table, and the policies attached to each node.
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ErrorBox, Loading } from '../../components/feedback';
import { displayName, objectHref } from '../../links';
import { Link, navigate, useLocation } from '../../router';
import { useSession } from '../../session';
import { useApi } from '../../use-api';
import {
  buildTopology,
  capTopology,
  COLUMNS,
  connectedPath,
  filterTopology,
  POLICY_KINDS,
  ROUTE_KINDS,
  type Column,
  type TopoEdge,
  type TopoNode,
  type Topology,
} from './graph';
import './topology.css';

/** Beyond this many cards the page gets slow and unreadable: ask for a namespace. */
export const MAX_DRAWN_NODES = 300;
/** Same for rows of the mesh-calls table. */
export const MAX_MESH_CALL_ROWS = 500;

const COLUMN_TITLES: Record<Column, string> = {
  gateway: 'Gateways',
  route: 'Routes',
  service: 'Services',
  workload: 'Workloads',
};

export function TopologyView() {
  const { client } = useSession();
  const { query } = useLocation();
  const namespace = query.get('namespace') ?? '';
  const state = useApi(async () => {
    const all = (kinds: readonly string[]) =>
      Promise.all(kinds.map((k) => client.listAll(k, { allNamespaces: true }))).then((lists) =>
        lists.flat(),
      );
    const [gateways, routes, services, workloads, policies] = await Promise.all([
      client.listAll('Gateway', { allNamespaces: true }),
      all(ROUTE_KINDS),
      client.listAll('Service', { allNamespaces: true }),
      client.listAll('Workload', { allNamespaces: true }),
      all(POLICY_KINDS),
    ]);
    return buildTopology({ gateways, routes, services, workloads, policies });
  }, [client]);

  return (
    <section class="topology">
      <h1>Topology</h1>
      {state.error ? <ErrorBox error={state.error} /> : null}
      {state.data ? (
        <TopologyBody topology={state.data} namespace={namespace} />
      ) : state.loading ? (
        <Loading what="topology" />
      ) : null}
    </section>
  );
}

function TopologyBody({ topology, namespace }: { topology: Topology; namespace: string }) {
  const filtered = useMemo(() => filterTopology(topology, namespace), [topology, namespace]);
  const { topology: drawn, hidden } = useMemo(
    () => capTopology(filtered, MAX_DRAWN_NODES),
    [filtered],
  );
  const byId = useMemo(() => new Map(topology.nodes.map((n) => [n.id, n])), [topology]);
  return (
    <>
      <div class="row topology-toolbar">
        <label for="topology-namespace">Namespace</label>
        <select
          id="topology-namespace"
          value={namespace}
          onChange={(e) => {
            const ns = e.currentTarget.value;
            navigate(ns ? `/topology?namespace=${encodeURIComponent(ns)}` : '/topology', {
              replace: true,
            });
          }}
        >
          <option value="">All namespaces</option>
          {topology.namespaces.map((ns) => (
            <option key={ns} value={ns}>
              {ns}
            </option>
          ))}
        </select>
        <span class="muted">
          {filtered.nodes.length} nodes, {filtered.edges.length} links
        </span>
      </div>
      {hidden > 0 ? (
        <p class="topology-cap" role="status">
          Showing {drawn.nodes.length} of {filtered.nodes.length} nodes ({hidden} not drawn). Pick a
          namespace to see the rest.
        </p>
      ) : null}
      <WidePolicies topology={filtered} />
      <Graph topology={drawn} byId={byId} />
      <MeshCalls topology={filtered} byId={byId} />
    </>
  );
}

function WidePolicies({ topology }: { topology: Topology }) {
  if (topology.widePolicies.length === 0 && topology.danglingPolicies.length === 0) return null;
  return (
    <div class="topology-wide">
      {topology.widePolicies.map((p) => (
        <span key={`${p.kind}/${p.namespace}/${p.name}`} class="topology-wide-item">
          <PolicyLink kind={p.kind} namespace={p.namespace} name={p.name} />{' '}
          <span class="muted">
            {p.scope === 'mesh-wide' ? 'applies mesh-wide' : `applies to namespace ${p.namespace}`}
          </span>
        </span>
      ))}
      {topology.danglingPolicies.map((p) => (
        <span key={`${p.kind}/${p.namespace}/${p.name}`} class="topology-wide-item">
          <PolicyLink kind={p.kind} namespace={p.namespace} name={p.name} />{' '}
          <span class="badge bad">target missing</span> <span class="muted">{p.target}</span>
        </span>
      ))}
    </div>
  );
}

function PolicyLink(props: { kind: string; namespace: string; name: string; section?: string }) {
  return (
    <Link
      href={objectHref(props.kind, props.namespace, props.name)}
      class="policy-chip"
      title={`${props.kind} ${props.namespace}/${props.name}`}
    >
      {props.kind.replace(/Policy$/, '')}: {props.name}
      {props.section ? ` (${props.section})` : ''}
    </Link>
  );
}

interface Line {
  key: string;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  type: TopoEdge['type'];
  lit: boolean;
}

function Graph({ topology, byId }: { topology: Topology; byId: Map<string, TopoNode> }) {
  const [focused, setFocused] = useState<string | undefined>(undefined);
  const lit = useMemo(
    () => (focused ? connectedPath(topology.edges, focused) : undefined),
    [topology, focused],
  );
  const container = useRef<HTMLDivElement>(null);
  const [lines, setLines] = useState<Line[]>([]);
  const [size, setSize] = useState({ width: 0, height: 0 });

  // Lines go from the right edge of the "from" card to the left edge of the "to" card
  // (or side to side when both sit in one column), measured after layout.
  const measure = () => {
    const root = container.current;
    if (!root) return;
    const origin = root.getBoundingClientRect();
    const boxes = new Map<string, DOMRect>();
    root.querySelectorAll<HTMLElement>('[data-node-id]').forEach((el) => {
      const id = el.dataset['nodeId'];
      if (id) boxes.set(id, el.getBoundingClientRect());
    });
    const next: Line[] = [];
    for (const edge of topology.edges) {
      const a = boxes.get(edge.from);
      const b = boxes.get(edge.to);
      if (!a || !b) continue;
      const leftToRight = a.left <= b.left;
      next.push({
        key: `${edge.from}>${edge.to}>${edge.type}`,
        x1: (leftToRight ? a.right : a.left) - origin.left,
        y1: a.top + a.height / 2 - origin.top,
        x2: (leftToRight ? b.left : b.right) - origin.left,
        y2: b.top + b.height / 2 - origin.top,
        type: edge.type,
        lit: lit !== undefined && lit.has(edge.from) && lit.has(edge.to),
      });
    }
    setSize({ width: root.scrollWidth, height: root.scrollHeight });
    setLines(next);
  };
  const measureRef = useRef(measure);
  measureRef.current = measure;
  useLayoutEffect(() => measureRef.current(), [topology, lit]);
  useEffect(() => {
    const redraw = () => measureRef.current();
    window.addEventListener('resize', redraw);
    const observer =
      typeof ResizeObserver === 'undefined' || !container.current
        ? undefined
        : new ResizeObserver(redraw);
    if (observer && container.current) observer.observe(container.current);
    return () => {
      window.removeEventListener('resize', redraw);
      observer?.disconnect();
    };
  }, []);

  const outgoing = useMemo(() => {
    const map = new Map<string, TopoEdge[]>();
    for (const e of topology.edges) {
      const list = map.get(e.from);
      if (list) list.push(e);
      else map.set(e.from, [e]);
    }
    return map;
  }, [topology]);

  if (topology.nodes.length === 0)
    return <p class="muted">Nothing here: no Gateways, routes, Services or Workloads.</p>;
  return (
    <div
      class={`topology-graph${lit ? ' has-focus' : ''}`}
      ref={container}
      onMouseLeave={() => setFocused(undefined)}
    >
      <svg
        class="topology-edges"
        width={size.width}
        height={size.height}
        aria-hidden="true"
        focusable="false"
      >
        {lines.map((l) => (
          <path
            key={l.key}
            class={`edge edge-${l.type}${l.lit ? ' lit' : ''}`}
            d={`M${l.x1},${l.y1} C${(l.x1 + l.x2) / 2},${l.y1} ${(l.x1 + l.x2) / 2},${l.y2} ${l.x2},${l.y2}`}
          />
        ))}
      </svg>
      {COLUMNS.map((column) => (
        <div class="topology-column" key={column} data-column={column}>
          <h2>{COLUMN_TITLES[column]}</h2>
          {topology.nodes
            .filter((n) => n.column === column)
            .map((node) => (
              <NodeCard
                key={node.id}
                node={node}
                outgoing={outgoing.get(node.id) ?? []}
                byId={byId}
                lit={lit === undefined ? undefined : lit.has(node.id)}
                onFocus={() => setFocused(node.id)}
              />
            ))}
        </div>
      ))}
    </div>
  );
}

function StatusBadge({ node }: { node: TopoNode }) {
  if (node.missing) return <span class="badge bad">missing</span>;
  if (node.status === 'Accepted') return <span class="badge ok">Accepted</span>;
  if (node.status === 'Not accepted')
    return (
      <span class="badge bad" title={node.statusMessage}>
        Not accepted
      </span>
    );
  return <span class="badge muted">no status</span>;
}

function NodeCard(props: {
  node: TopoNode;
  outgoing: TopoEdge[];
  byId: Map<string, TopoNode>;
  lit: boolean | undefined;
  onFocus: () => void;
}) {
  const { node } = props;
  const href = node.missing ? undefined : objectHref(node.kind, node.namespace, node.name);
  const label = displayName(node.namespace, node.name);
  const classes = ['topology-node', node.missing ? 'missing' : '', props.lit ? 'lit' : ''];
  if (props.lit === false) classes.push('dim');
  return (
    <div
      class={classes.filter(Boolean).join(' ')}
      data-node-id={node.id}
      data-testid={`node-${node.id}`}
      onMouseEnter={props.onFocus}
      onFocusIn={props.onFocus}
      onClick={(event) => {
        // The whole card goes to the object; links inside (chips) keep their own target.
        if (!href || (event.target as Element).closest('a')) return;
        navigate(href);
      }}
    >
      <div class="topology-node-head">
        <span class="topology-kind">{node.kind}</span>
        <StatusBadge node={node} />
      </div>
      {href ? (
        <Link href={href} class="topology-name">
          {label}
        </Link>
      ) : (
        <span class="topology-name" title="referenced but not found">
          {label}
        </span>
      )}
      {node.summary ? <div class="topology-summary muted">{node.summary}</div> : null}
      {node.policies.length > 0 ? (
        <div class="topology-policies" aria-label="Attached policies">
          {node.policies.map((p) => (
            <PolicyLink
              key={`${p.kind}/${p.name}`}
              kind={p.kind}
              namespace={p.namespace}
              name={p.name}
              {...(p.sectionName ? { section: p.sectionName } : {})}
            />
          ))}
        </div>
      ) : null}
      {props.outgoing.length > 0 ? (
        <ul class="topology-out" aria-label="Links">
          {props.outgoing.map((e) => {
            const to = props.byId.get(e.to);
            return (
              <li key={e.to}>
                → {to ? `${to.kind} ${displayName(to.namespace, to.name)}` : e.to}
                {e.label ? <span class="muted"> ({e.label})</span> : null}
              </li>
            );
          })}
        </ul>
      ) : null}
    </div>
  );
}

function MeshCalls({ topology, byId }: { topology: Topology; byId: Map<string, TopoNode> }) {
  const serviceCell = (id: string) => {
    const node = byId.get(id);
    if (!node) return id;
    const label = displayName(node.namespace, node.name);
    return node.missing ? (
      <>
        {label} <span class="badge bad">missing</span>
      </>
    ) : (
      <Link href={objectHref('Service', node.namespace, node.name)}>{label}</Link>
    );
  };
  return (
    <div class="topology-mesh">
      <h2>Mesh calls</h2>
      {topology.meshCalls.length === 0 ? (
        <p class="muted">
          No mesh calls: no routes with a Service parent, no declared dependencies.
        </p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Caller Service</th>
              <th>Callee Service</th>
              <th>Via</th>
            </tr>
          </thead>
          <tbody>
            {topology.meshCalls.slice(0, MAX_MESH_CALL_ROWS).map((c) => {
              const via = c.via;
              return (
                <tr
                  key={`${c.caller}>${c.callee}>${via === 'dependency' ? via : `${via.kind}/${via.namespace}/${via.name}`}`}
                >
                  <td>{serviceCell(c.caller)}</td>
                  <td>{serviceCell(c.callee)}</td>
                  <td>
                    {via === 'dependency' ? (
                      <span class="muted">declared dependency</span>
                    ) : (
                      <>
                        <Link href={objectHref(via.kind, via.namespace, via.name)}>
                          {via.kind} {displayName(via.namespace, via.name)}
                        </Link>{' '}
                        <span class="muted">route</span>
                      </>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {topology.meshCalls.length > MAX_MESH_CALL_ROWS ? (
        <p class="topology-cap" role="status">
          Showing {MAX_MESH_CALL_ROWS} of {topology.meshCalls.length} mesh calls. Pick a namespace
          to see the rest.
        </p>
      ) : null}
    </div>
  );
}
