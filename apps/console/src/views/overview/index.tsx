// Overview: counts per kind, data planes by sync state, objects not Accepted, live changes.
export function OverviewView() {
  return <h1>Overview</h1>;
}
