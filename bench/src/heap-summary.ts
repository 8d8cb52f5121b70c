// Summarizes V8 heap snapshots by constructor: self size and count per node
// (type, name), and with two files the growth between them, biggest first. Used with
// bench/src/ads-memory.ts to see what each connected stream costs.
//
//   npx tsx bench/src/heap-summary.ts before.heapsnapshot [after.heapsnapshot] [top]
//
// Decisions: self sizes only (retained sizes need a dominator tree; growth by
// constructor between two phases already says what a stream adds).
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

type Summary = Map<string, { size: number; count: number }>;

function summarize(file: string): Summary {
  const heap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const fields = heap.snapshot.meta.node_fields;
  const types = heap.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const out: Summary = new Map();
  for (let i = 0; i < heap.nodes.length; i += width) {
    const type = types[heap.nodes[i + typeAt]!] ?? '?';
    let name = heap.strings[heap.nodes[i + nameAt]!] ?? '?';
    if (type === 'string' || type === 'concatenated string' || type === 'sliced string')
      name = `(string) ${name.slice(0, Number(process.env['PREFIX'] ?? 24))}`;
    if (name.length > 60) name = `${name.slice(0, 60)}...`;
    const key = `${type}:${name}`;
    const row = out.get(key) ?? { size: 0, count: 0 };
    row.size += heap.nodes[i + sizeAt]!;
    row.count += 1;
    out.set(key, row);
  }
  return out;
}

const [a, b, topArg] = process.argv.slice(2);
if (a === undefined) throw new Error('usage: heap-summary.ts file [file2] [top]');
const top = Number((b !== undefined && /^\d+$/.test(b) ? b : topArg) ?? 30);
const first = summarize(a);
const second = b !== undefined && !/^\d+$/.test(b) ? summarize(b) : undefined;
const rows = [...(second ?? first)].map(([key, row]) => {
  const before = second ? (first.get(key) ?? { size: 0, count: 0 }) : { size: 0, count: 0 };
  return { key, size: row.size - before.size, count: row.count - before.count };
});
rows.sort((x, y) => y.size - x.size);
const total = rows.reduce((sum, r) => sum + r.size, 0);
console.log(`total ${second ? 'growth' : 'self size'}: ${(total / 1024).toFixed(0)} KB`);
for (const r of rows.slice(0, top))
  console.log(
    `${(r.size / 1024).toFixed(1).padStart(10)} KB ${String(r.count).padStart(8)}  ${r.key}`,
  );
