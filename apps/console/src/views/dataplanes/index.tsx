// Data planes: connected proxies, what each was sent, NACKs, and preview of a target.
export function DataPlaneList() {
  return <h1>Data planes</h1>;
}

export function DataPlanePage(props: { id: string }) {
  return <h1>{props.id}</h1>;
}

export function PreviewPage() {
  return <h1>Preview</h1>;
}
