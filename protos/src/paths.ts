// Field paths as reported to users: proto field names, `[i]` for list items, `["k"]` for map keys.
export function fieldPath(parent: string, name: string): string {
  return parent === '' ? name : `${parent}.${name}`;
}

export function indexPath(parent: string, index: number): string {
  return `${parent}[${index}]`;
}

export function keyPath(parent: string, key: string): string {
  return `${parent}[${JSON.stringify(key)}]`;
}
