// Spec problems as values: turning zod issues into `SpecIssue`s that name the path, the value
// given and the rule (`spec.scaling.maxReplicas = 0, must be ≥ minReplicas (1)`), and
// printing them. The phrasing lives here so every message reads the same way.

import YAML from 'yaml';
import type { z } from 'zod';
import { closest } from './suggest.js';
import type { SpecIssue } from './types.js';

export type PathSegment = string | number;

/** A SpecIssue plus its path as segments, kept until the YAML location is looked up. */
export interface LocatedIssue extends SpecIssue {
  segments: PathSegment[];
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `['spec', 'rollout', 'steps', 2, 'setWeight']` → `spec.rollout.steps[2].setWeight`. */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`; // label keys such as app.kubernetes.io/name
  }
  return out;
}

const MAX_RENDERED = 80;

/** A value as the author would recognise it: strings quoted, collections in YAML flow style. */
export function renderValue(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value);
  else if (value === null || typeof value !== 'object') text = String(value);
  else text = YAML.stringify(value, { collectionStyle: 'flow', lineWidth: 0 }).trim();
  return text.length > MAX_RENDERED ? `${text.slice(0, MAX_RENDERED - 1)}…` : text;
}

export function issue(segments: PathSegment[], message: string, given?: unknown): LocatedIssue {
  const out: LocatedIssue = { segments, path: formatPath(segments), message };
  if (given !== undefined) out.given = renderValue(given);
  return out;
}

/** One line per issue: `path = given, message (at)`; `path is required, message` when missing. */
export function formatSpecIssue(i: SpecIssue): string {
  const where = i.at === undefined ? '' : ` (${i.at})`;
  if (i.path === '') return `${i.message}${where}`;
  if (i.given === undefined) return `${i.path} is required, ${i.message}${where}`;
  return `${i.path} = ${i.given}, ${i.message}${where}`;
}

export function formatSpecIssues(issues: readonly SpecIssue[]): string {
  return issues.map(formatSpecIssue).join('\n');
}

/** Convert zod's issues (parsed with `reportInput: true`) under `base`. */
export function fromZodIssues(issues: readonly z.core.$ZodIssue[], base: PathSegment[] = []): LocatedIssue[] {
  return issues.map((iss) => {
    const segments = [...base, ...iss.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
    let given: unknown = iss.input;
    // A bad discriminator (`metric: qps`) is reported by zod on the enclosing object.
    if (iss.code === 'invalid_union' && 'discriminator' in iss && isRecord(iss.input)) {
      given = iss.input[String(iss.discriminator)];
    }
    return issue(segments, iss.message, given);
  });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'a mapping (key: value)',
  record: 'a mapping (key: value)',
  array: 'a list',
};

function oneOf(values: readonly unknown[], input: unknown): string {
  const names = values.map(String);
  if (names.length === 1) return `must be ${names[0]}`;
  const hint = typeof input === 'string' ? closest(input, names) : undefined;
  return `must be one of: ${names.join(', ')}${hint === undefined ? '' : ` (did you mean ${hint}?)`}`;
}

/**
 * The house phrasing for zod's generic issues, passed as the parse-time error map. Schemas
 * with a more specific message (ranges, names, durations) set their own, which wins.
 */
export function errorMap(iss: z.core.$ZodRawIssue): string | undefined {
  switch (iss.code) {
    case 'invalid_type':
      return `must be ${EXPECTED[iss.expected] ?? iss.expected}`;
    case 'invalid_value':
      return oneOf(iss.values, iss.input);
    case 'invalid_union': {
      if (!('discriminator' in iss) || !isRecord(iss.input)) return 'does not match any allowed form';
      const options = 'options' in iss && Array.isArray(iss.options) ? (iss.options as unknown[]) : [];
      return oneOf(options, iss.input[String(iss.discriminator)]);
    }
    case 'too_small':
      if (iss.origin === 'string' && Number(iss.minimum) === 1) return 'must not be empty';
      if (iss.origin === 'array') return `must have at least ${String(iss.minimum)} item(s)`;
      return `must be ${iss.inclusive === false ? '>' : '≥'} ${String(iss.minimum)}`;
    case 'too_big':
      if (iss.origin === 'string') return `must be at most ${String(iss.maximum)} characters`;
      if (iss.origin === 'array') return `must have at most ${String(iss.maximum)} item(s)`;
      return `must be ${iss.inclusive === false ? '<' : '≤'} ${String(iss.maximum)}`;
    // Custom issues bring their own message; the rest do not occur with this schema (every
    // regex carries its own message, objects report unknown keys themselves).
    case 'custom':
    case 'invalid_format':
    case 'invalid_element':
    case 'invalid_key':
    case 'not_multiple_of':
    case 'unrecognized_keys':
      return undefined;
  }
}
