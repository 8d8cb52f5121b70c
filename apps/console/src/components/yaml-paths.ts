// Where an API field path ("spec.rules[0].backendRefs[0].port") sits in a YAML text,
// so a validation error can be shown under the line that holds that field.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';

/** The segments of a path as the API formats it (model formatPath). */
export function parseFieldPath(path: string): (string | number)[] {
  const segments: (string | number)[] = [];
  const token = /([A-Za-z_$][A-Za-z0-9_$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]|\./g;
  let match: RegExpExecArray | null;
  while ((match = token.exec(path)) !== null) {
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else if (match[3] !== undefined) segments.push(JSON.parse(match[3]) as string);
  }
  return segments;
}

/** A path of one object in a multi-object apply ("items[0].spec.x") made relative to it. */
export function stripItemPrefix(path: string): string {
  return path.replace(/^items\[\d+\]\.?/, '');
}

export interface ParsedYaml {
  doc: Document.Parsed;
  lines: LineCounter;
}

export function parseYaml(text: string): ParsedYaml {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true });
  return { doc, lines };
}

/** YAML syntax errors with 1-based line and column. */
export function syntaxErrors(parsed: ParsedYaml): { line: number; col: number; message: string }[] {
  return parsed.doc.errors.map((e) => {
    const pos = e.linePos?.[0] ?? parsed.lines.linePos(e.pos[0]);
    // The message of a pretty error repeats the position and an excerpt: keep its first line.
    const message = e.message.split('\n')[0] ?? e.message;
    return { line: pos.line, col: pos.col, message };
  });
}

/**
 * The 1-based line of the field at `path`: the line of its key in a map, of its item in
 * a list. A path that does not exist in the text (a missing required field) falls back
 * to its deepest existing parent; undefined when not even the first segment is there.
 */
export function lineOfPath(parsed: ParsedYaml, path: string): number | undefined {
  let node: unknown = parsed.doc.contents;
  let offset: number | undefined;
  for (const segment of parseFieldPath(path)) {
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isScalar(p.key) && String(p.key.value) === String(segment),
      );
      if (!pair) break;
      const keyRange = isScalar(pair.key) ? pair.key.range : undefined;
      if (keyRange) offset = keyRange[0];
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item: unknown = node.items[segment];
      if (item === undefined || item === null) break;
      const range = (item as { range?: [number, number, number] }).range;
      if (range) offset = range[0];
      node = item;
    } else break;
  }
  return offset === undefined ? undefined : parsed.lines.linePos(offset).line;
}
