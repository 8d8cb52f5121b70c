// Object lists per kind and object pages (YAML, status, policies, data planes, edit).
export function ObjectList(_props: { kind?: string }) {
  return <h1>Objects</h1>;
}

export function ObjectPage(props: { kind: string; namespace?: string; name: string }) {
  return <h1>{props.name}</h1>;
}
