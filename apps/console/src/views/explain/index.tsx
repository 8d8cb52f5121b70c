// Explain: why a request goes where it goes.
export function ExplainView() {
  return <h1>Explain</h1>;
}
