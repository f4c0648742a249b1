// The spec's front door: YAML text (the CLI, `rollcast apply -f`) or an already-parsed object
// (JSON bodies of the admin API, specs kept in the store) in, a normalized ModelDeployment or
// the complete list of problems out. Nothing here throws for bad input: a YAML syntax error,
// several documents in one file and every schema violation are all SpecIssues.

import YAML, { isMap, isPair, isScalar, isSeq, LineCounter, type Document, type Node } from 'yaml';
import { PARSE_OPTIONS } from './fields.js';
import { fromZodIssues, isRecord, type LocatedIssue, type PathSegment, formatSpecIssue } from './issues.js';
import { deploymentSchema } from './schema.js';
import type { ModelDeployment, ParseResult, SpecIssue } from './types.js';
import { collectWarnings } from './warnings.js';

type Checked = { ok: true; spec: ModelDeployment; warnings: LocatedIssue[] } | { ok: false; issues: LocatedIssue[] };

function check(obj: unknown): Checked {
  const result = deploymentSchema.safeParse(obj, PARSE_OPTIONS);
  if (!result.success) {
    const issues = fromZodIssues(result.error.issues).map((i) =>
      // A problem with the document itself has no path to name.
      i.segments.length === 0 ? { ...i, message: `the document ${i.message}` } : i,
    );
    return { ok: false, issues };
  }
  const spec: ModelDeployment = result.data;
  return { ok: true, spec, warnings: collectWarnings(spec, obj) };
}

const strip = ({ segments: _segments, ...rest }: LocatedIssue): SpecIssue => rest;

/**
 * Validates a plain object in the written form (a JSON request body, or the `raw` a parse
 * returned and the store kept), not an already normalized ModelDeployment. `raw` on success
 * is a copy of the input.
 */
export function validateDeploymentObject(obj: unknown): ParseResult {
  const checked = check(obj);
  if (!checked.ok) return { ok: false, issues: checked.issues.map(strip) };
  const raw = structuredClone(obj) as Record<string, unknown>;
  return { ok: true, spec: checked.spec, warnings: checked.warnings.map((w) => formatSpecIssue(strip(w))), raw };
}

/**
 * Parses one YAML document. `source` (a file name) is only used to say where a problem is:
 * `spec.scaling.maxReplicas = 0, must be ≥ minReplicas (1) (penguins.yaml:9:18)`.
 */
export function parseDeploymentSpec(text: string, source?: string): ParseResult {
  const lineCounter = new LineCounter();
  const where = (offset: number): string => {
    const { line, col } = lineCounter.linePos(offset);
    return source === undefined ? `line ${line}, column ${col}` : `${source}:${line}:${col}`;
  };
  const fail = (issues: SpecIssue[]): ParseResult => ({ ok: false, issues });

  const docs = YAML.parseAllDocuments(text, { lineCounter, prettyErrors: false });
  if (docs.length === 0) {
    return fail([{ path: '', message: `the spec is empty: expected one ${'ModelDeployment'} document` }]);
  }
  if (docs.length > 1) {
    const second = docs[1]?.range[0] ?? 0;
    return fail([
      { path: '', message: `the file must hold exactly one YAML document, found ${docs.length}: put each deployment in its own file`, at: where(second) },
    ]);
  }
  const doc = docs[0] as Document.Parsed;
  if (doc.errors.length > 0) {
    return fail(doc.errors.map((e) => ({ path: '', message: `YAML syntax error: ${e.message}`, at: where(e.pos[0]) })));
  }

  keepVersionDigits(doc);
  let obj: unknown;
  try {
    obj = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    // e.g. an alias to an anchor that does not exist, or an alias bomb
    return fail([{ path: '', message: `YAML error: ${err instanceof Error ? err.message : String(err)}` }]);
  }

  const locate = (i: LocatedIssue): SpecIssue => {
    const offset = offsetOf(doc, i.segments);
    return offset === undefined ? strip(i) : { ...strip(i), at: where(offset) };
  };
  const checked = check(obj);
  if (!checked.ok) {
    // In file order, so the author can fix them top to bottom (Array.sort is stable).
    const ordered = checked.issues
      .map((i) => ({ i, offset: offsetOf(doc, i.segments) ?? 0 }))
      .sort((a, b) => a.offset - b.offset)
      .map(({ i }) => locate(i));
    return fail(ordered);
  }
  return {
    ok: true,
    spec: checked.spec,
    warnings: checked.warnings.map((w) => formatSpecIssue(locate(w))),
    raw: obj as Record<string, unknown>,
  };
}

/**
 * YAML reads `version: 1.10` as the number 1.1. Model versions are labels, not numbers, so
 * the scalar is replaced by the characters as written before conversion.
 */
function keepVersionDigits(doc: Document.Parsed): void {
  const node = doc.getIn(['spec', 'model', 'version'], true);
  if (isScalar(node) && typeof node.value === 'number' && typeof node.source === 'string') node.value = node.source;
}

/**
 * Where in the text the value at `segments` is: the value's node, else the key naming it,
 * else the closest enclosing node that exists (a missing field points at its parent).
 */
function offsetOf(doc: Document.Parsed, segments: readonly PathSegment[]): number | undefined {
  let node: unknown = doc.contents;
  let best = isNode(node) ? node.range?.[0] : undefined;
  for (const segment of segments) {
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
      if (pair === undefined) break;
      next = pair.value;
      const keyStart = isNode(pair.key) ? pair.key.range?.[0] : undefined;
      best = (isNode(next) ? next.range?.[0] : undefined) ?? keyStart ?? best;
    } else if (isSeq(node) && typeof segment === 'number') {
      next = node.items[segment];
      if (!isNode(next)) break;
      best = next.range?.[0] ?? best;
    } else {
      break;
    }
    node = next;
  }
  return best;
}

function isNode(value: unknown): value is Node {
  return isRecord(value) && 'range' in value;
}
