// Zod building blocks for the spec schema, each with a message that states the rule in full
// ("must be an integer from 0 to 100") whichever bound was broken, so a reader learns the
// valid range from the first error instead of fixing one bound at a time.

import { z } from 'zod';
import { checkDuration, DURATION_EXAMPLES, formatDuration } from './duration.js';
import { errorMap, isRecord } from './issues.js';
import { closest } from './suggest.js';
import type { Millis } from './units.js';

/** Options for every nested parse, so nested schemas phrase issues the same way. */
export const PARSE_OPTIONS = { reportInput: true, error: errorMap } as const;

export function unknownFieldMessage(key: string, allowed: readonly string[]): string {
  const hint = closest(key, allowed);
  return hint === undefined ? `unknown field; expected one of: ${allowed.join(', ')}` : `unknown field; did you mean ${hint}?`;
}

/**
 * An object that rejects unknown keys, one issue per key with a "did you mean". Built as a
 * loose object plus a check rather than `z.strictObject` because zod's unrecognized-keys
 * issue does not carry the allowed keys. Typing it as a strip-mode object is sound: a value
 * with an unknown key never parses successfully. (`.partial()`/`.extend()` would drop the
 * check, so variants are built from their own shapes instead.)
 */
export function strict<S extends z.core.$ZodLooseShape>(shape: S): z.ZodObject<S, z.core.$strip> {
  const allowed = Object.keys(shape);
  const schema = z.looseObject(shape).superRefine(
    (obj, ctx) => {
      for (const key of Object.keys(obj)) {
        if (allowed.includes(key)) continue;
        ctx.addIssue({ code: 'custom', path: [key], input: obj[key], message: unknownFieldMessage(key, allowed) });
      }
    },
    { when: (payload) => isRecord(payload.value) },
  );
  return schema;
}

/** Keys of the object being refined whose own parse produced issues (already reported). */
export function brokenKeys(ctx: z.core.ParsePayload): Set<string> {
  return new Set(ctx.issues.map((i) => String(i.path?.[0])));
}

/** Indices of `key`'s array elements whose own parse produced issues. */
export function brokenIndices(ctx: z.core.ParsePayload, key: string): Set<number> {
  return new Set(ctx.issues.filter((i) => i.path?.[0] === key && typeof i.path[1] === 'number').map((i) => Number(i.path?.[1])));
}

/** `when` for object-level rules: run whenever the value is an object, even if some fields failed. */
export const whenObject = { when: (payload: z.core.ParsePayload) => isRecord(payload.value) };

export interface Range {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
}

function rangeText(r: Range): string {
  if (r.gte !== undefined && r.lte !== undefined) return ` from ${r.gte} to ${r.lte}`;
  const parts: string[] = [];
  if (r.gt !== undefined) parts.push(`> ${r.gt}`);
  if (r.gte !== undefined) parts.push(`≥ ${r.gte}`);
  if (r.lt !== undefined) parts.push(`< ${r.lt}`);
  if (r.lte !== undefined) parts.push(`≤ ${r.lte}`);
  return parts.length === 0 ? '' : ` ${parts.join(' and ')}`;
}

function numeric(integer: boolean, range: Range, note: string): z.ZodNumber {
  const error = `must be ${integer ? 'an integer' : 'a number'}${rangeText(range)}${note}`;
  let s = z.number({ error });
  if (integer) s = s.int({ error });
  if (range.gt !== undefined) s = s.gt(range.gt, { error });
  if (range.gte !== undefined) s = s.gte(range.gte, { error });
  if (range.lt !== undefined) s = s.lt(range.lt, { error });
  if (range.lte !== undefined) s = s.lte(range.lte, { error });
  return s;
}

/** A finite number within `range`; `note` is appended to the message to say what it means. */
export const num = (range: Range = {}, note = ''): z.ZodNumber => numeric(false, range, note);

/** A safe integer within `range`. */
export const int = (range: Range = {}, note = ''): z.ZodNumber => numeric(true, range, note);

export interface DurationBounds {
  min?: number;
  /** True: the value must be strictly greater than `min` (e.g. a pause longer than 0s). */
  minExclusive?: boolean;
  max?: number;
}

/** "of at least 1d", "longer than 0s", "of at most 1h"; '' when any duration will do. */
function boundsText(b: DurationBounds): string {
  const parts: string[] = [];
  if (b.min !== undefined && b.minExclusive) parts.push(`longer than ${formatDuration(b.min)}`);
  else if (b.min !== undefined && b.min > 0) parts.push(`of at least ${formatDuration(b.min)}`);
  if (b.max !== undefined) parts.push(`${parts.length === 0 ? 'of ' : ''}at most ${formatDuration(b.max)}`);
  return parts.join(' and ');
}

/**
 * Reads a duration string into Millis, or explains (via `ctx`) why it cannot. `alternative`
 * names another accepted form for the message, e.g. `auto or `.
 */
export function readDuration(input: unknown, bounds: DurationBounds, ctx: z.core.$RefinementCtx, alternative = ''): Millis | undefined {
  const range = boundsText(bounds);
  const wanted = `must be ${alternative}a duration${range === '' ? '' : ` ${range}`}`;
  const expected = `${wanted}${range === '' ? '' : ','} ${DURATION_EXAMPLES}`;
  if (typeof input === 'number') {
    ctx.addIssue({ code: 'custom', input, message: `${expected}; a bare number has no unit (write ${input}s or ${input}ms)` });
    return undefined;
  }
  if (typeof input !== 'string') {
    ctx.addIssue({ code: 'custom', input, message: expected });
    return undefined;
  }
  const parsed = checkDuration(input);
  if (!parsed.ok) {
    ctx.addIssue({ code: 'custom', input, message: `${expected}; ${parsed.reason}` });
    return undefined;
  }
  const ms = parsed.ms;
  const tooSmall = bounds.min !== undefined && (bounds.minExclusive ? ms <= bounds.min : ms < bounds.min);
  const tooBig = bounds.max !== undefined && ms > bounds.max;
  if (tooSmall || tooBig) {
    ctx.addIssue({ code: 'custom', input, message: wanted });
    return undefined;
  }
  return ms;
}

/** A required duration string (`30s`, `1h30m`) normalized to Millis. */
export function duration(bounds: DurationBounds = {}) {
  return z.unknown().transform((input, ctx): Millis => readDuration(input, bounds, ctx) ?? z.NEVER);
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const MODEL_NAME = /^[a-z0-9]([-a-z0-9._]*[a-z0-9])?$/;

export const dnsLabel = z
  .string()
  .regex(DNS_LABEL, 'must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit')
  .max(63, 'must be at most 63 characters (a DNS-1123 label)');

export const modelName = z
  .string()
  .regex(MODEL_NAME, 'must be lowercase letters, digits, "-", "." and "_", starting and ending with a letter or digit')
  .max(63, 'must be at most 63 characters');

/**
 * An object with exactly one key naming its variant, as rollout steps are written
 * (`{ setWeight: 10 }`, `{ pause: 5m }`). Returns `{ key, value }` with the variant's parsed
 * value; problems are reported under the key, e.g. `steps[2].setWeight`.
 */
export function oneKeyOf<V extends Record<string, z.ZodType>>(variants: V, what: string) {
  type Out = { [K in keyof V & string]: { key: K; value: z.output<V[K]> } }[keyof V & string];
  const names = Object.keys(variants);
  const expected = `must be a ${what} with exactly one key: ${names.join(', ')}`;
  return z.unknown().transform((input, ctx): Out => {
    if (!isRecord(input) || Object.keys(input).length === 0) {
      ctx.addIssue({ code: 'custom', input, message: expected });
      return z.NEVER;
    }
    const keys = Object.keys(input);
    if (keys.length > 1) {
      ctx.addIssue({ code: 'custom', input, message: `${expected}; found ${keys.join(' and ')} (write one ${what} each)` });
      return z.NEVER;
    }
    const key = keys[0] ?? '';
    const schema = variants[key];
    if (schema === undefined) {
      ctx.addIssue({ code: 'custom', path: [key], input: input[key], message: unknownFieldMessage(key, names).replace('field', what) });
      return z.NEVER;
    }
    const parsed = parseInto(schema, input[key], ctx, [key]);
    return parsed.ok ? ({ key, value: parsed.value } as Out) : z.NEVER;
  });
}

/** Parses `input` with a nested schema from inside a transform, reporting issues under `path`. */
export function parseInto<T extends z.ZodType>(
  schema: T,
  input: unknown,
  ctx: z.core.$RefinementCtx,
  path: PropertyKey[],
): { ok: true; value: z.output<T> } | { ok: false } {
  const result = schema.safeParse(input, PARSE_OPTIONS);
  if (result.success) return { ok: true, value: result.data };
  for (const iss of result.error.issues) ctx.issues.push({ ...iss, path: [...path, ...iss.path] } as z.core.$ZodRawIssue);
  return { ok: false };
}
