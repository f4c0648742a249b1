// `spec.rollout`: the strategy and its steps. Steps are written as one-key objects
// (`{ setWeight: 10 }`, `{ pause: 5m }`, `{ pause: {} }`, `{ analysis: {} }`,
// `{ setCanaryScale: { replicas: 2 } }`) and normalized to the RolloutStep union, with the
// strategy's default steps when none are given and `linear` expanded into steps.

import { z } from 'zod';
import { analysisOverrideSchema, analysisSchema, withOverrides } from './analysis-schema.js';
import { DEFAULTS, defaultSteps, expandLinear } from './defaults.js';
import { formatDuration } from './duration.js';
import { brokenIndices, brokenKeys, duration, int, oneKeyOf, parseInto, readDuration, strict, whenObject } from './fields.js';
import { isRecord } from './issues.js';
import type { AnalysisSpec, CanaryScale, RolloutSpec, RolloutStep, RolloutStrategy } from './types.js';
import { assertNever, type Millis } from './units.js';

export const STRATEGIES = ['canary', 'linear', 'blueGreen', 'allAtOnce', 'shadow'] as const satisfies readonly RolloutStrategy[];

const PAUSE_BOUNDS = { min: 0, minExclusive: true } as const;
const pauseObject = strict({ duration: duration(PAUSE_BOUNDS).optional() });

/** `5m` → 5 minutes; `{}` → until promoted by hand; `{ duration: 5m }` too, as Argo Rollouts writes it. */
const pauseSchema = z.unknown().transform((input, ctx): { durationMs?: Millis } => {
  if (isRecord(input)) {
    const parsed = parseInto(pauseObject, input, ctx, []);
    if (!parsed.ok) return z.NEVER;
    return parsed.value.duration === undefined ? {} : { durationMs: parsed.value.duration };
  }
  const ms = readDuration(input, PAUSE_BOUNDS, ctx, '{} (wait for a manual promote) or ');
  return ms === undefined ? z.NEVER : { durationMs: ms };
});

const canaryScaleSchema = strict({
  replicas: int({ gte: 0 }).optional(),
  weight: int({ gte: 0, lte: 100 }, " (percent of the stable revision's replicas)").optional(),
  matchTrafficWeight: z.literal(true).optional(),
})
  .superRefine((s, ctx) => {
    const given = [s.replicas, s.weight, s.matchTrafficWeight].filter((v) => v !== undefined).length;
    if (ctx.issues.length === 0 && given !== 1) {
      ctx.addIssue({ code: 'custom', input: s, message: 'must set exactly one of replicas, weight or matchTrafficWeight: true' });
    }
  }, whenObject)
  .transform((s): CanaryScale => {
    if (s.replicas !== undefined) return { kind: 'replicas', replicas: s.replicas };
    if (s.weight !== undefined) return { kind: 'weight', weight: s.weight };
    return { kind: 'matchTrafficWeight' };
  });

const stepSchema = oneKeyOf(
  {
    // Whole percents: the router and the replica split both work in integer percent.
    setWeight: int({ gte: 0, lte: 100 }, ' (percent of live traffic)'),
    pause: pauseSchema,
    analysis: analysisOverrideSchema,
    setCanaryScale: canaryScaleSchema,
  },
  'step',
);

type ParsedStep = z.output<typeof stepSchema>;

const linearSchema = strict({
  stepWeight: int({ gte: 1, lte: 100 }, ' (percent of traffic added per step)').default(DEFAULTS.rollout.linear.stepWeight),
  interval: duration({ min: 0, minExclusive: true }).default(DEFAULTS.rollout.linear.intervalMs),
});

/** A parsed value as the author wrote it, for messages: its `interval` back in duration notation. */
function shown<T extends { interval?: Millis }>(value: T): Omit<T, 'interval'> & { interval?: string } {
  const { interval, ...rest } = value;
  return interval === undefined ? rest : { ...rest, interval: formatDuration(interval) };
}

type Add = (path: PropertyKey[], input: unknown, message: string) => void;

/** Strategy-specific checks of the written steps (default steps are valid by construction). */
function checkSteps(strategy: RolloutStrategy, steps: readonly ParsedStep[], broken: Set<number>, add: Add): void {
  if (steps.length === 0 && (strategy === 'canary' || strategy === 'linear')) {
    add(['steps'], steps, `must have at least one step for strategy ${strategy} (use strategy allAtOnce to switch all traffic at once)`);
  }
  // Traffic on the new revision so far. allAtOnce switches everything before its first step
  // (rollout/plan.ts adds the switch), so its pauses and analyses run at 100 %.
  let weight = strategy === 'allAtOnce' ? 100 : 0;
  let weightAt: number | undefined;
  steps.forEach((step, i) => {
    if (broken.has(i)) return;
    const at = ['steps', i, step.key];
    switch (step.key) {
      case 'setWeight': {
        const w = step.value;
        if (strategy === 'allAtOnce') add(at, w, 'is not allowed with strategy allAtOnce, which moves all traffic in one go (use canary or linear for weight steps)');
        else if (strategy === 'shadow') add(at, w, 'is not allowed with strategy shadow, which mirrors traffic instead of shifting it (use setCanaryScale to size the shadow)');
        else if (strategy === 'blueGreen' && w !== 0 && w !== 100) add(at, w, 'must be 0 or 100 with strategy blueGreen, which switches all traffic at once (use canary for partial weights)');
        else if (w < weight && (strategy === 'canary' || strategy === 'linear')) {
          add(at, w, `must be ≥ ${weight}, the weight set at steps[${weightAt ?? 0}]: steps only move traffic toward the new revision (a rollback moves it back)`);
        }
        weight = w;
        weightAt = i;
        return;
      }
      case 'setCanaryScale':
        if (strategy === 'allAtOnce') add(at, step.value, 'is not allowed with strategy allAtOnce, which has no canary stage');
        return;
      case 'analysis':
        // shadow and blueGreen judge the new revision on mirrored requests (copies of live
        // traffic whose answers are discarded), so weight 0 still gives samples there.
        if (weight === 0 && strategy !== 'shadow' && strategy !== 'blueGreen') {
          add(['steps', i], { analysis: shown(step.value) }, 'runs while the new revision gets no traffic (weight 0), so it would have no samples to judge; put a setWeight step before it');
        }
        return;
      case 'pause':
        return;
      default:
        assertNever(step, 'step');
    }
  });
}

function toStep(step: ParsedStep, analysis: AnalysisSpec): RolloutStep {
  switch (step.key) {
    case 'setWeight':
      return { kind: 'setWeight', weight: step.value };
    case 'pause':
      return { kind: 'pause', ...step.value };
    case 'analysis':
      return { kind: 'analysis', analysis: withOverrides(analysis, step.value) };
    case 'setCanaryScale':
      return { kind: 'setCanaryScale', scale: step.value };
    default:
      return assertNever(step, 'step');
  }
}

export const rolloutSchema = strict({
  strategy: z.enum(STRATEGIES).default(DEFAULTS.rollout.strategy),
  steps: z.array(stepSchema).optional(),
  linear: linearSchema.optional(),
  analysis: analysisSchema.prefault({}),
  autoRollback: z.boolean().default(DEFAULTS.rollout.autoRollback),
})
  .superRefine((r, ctx) => {
    const broken = brokenKeys(ctx);
    const add: Add = (path, input, message) => ctx.addIssue({ code: 'custom', path, input, message });
    if (broken.has('strategy')) return; // every check below depends on the strategy
    if (r.linear !== undefined && r.strategy !== 'linear') {
      add(['linear'], shown(r.linear), `only applies to strategy linear (strategy is ${r.strategy}); write steps instead`);
    } else if (r.linear !== undefined && r.steps !== undefined) {
      add(['linear'], shown(r.linear), 'must not be combined with steps: give either steps or linear');
    }
    // Steps that failed their own parse are skipped; the others are still checked.
    if (Array.isArray(r.steps)) checkSteps(r.strategy, r.steps, brokenIndices(ctx, 'steps'), add);
  }, whenObject)
  .transform((r): RolloutSpec => {
    let steps: RolloutStep[];
    if (r.steps !== undefined) steps = r.steps.map((s) => toStep(s, r.analysis));
    else if (r.linear !== undefined) steps = expandLinear(r.linear.stepWeight, r.linear.interval, r.analysis);
    else steps = defaultSteps(r.strategy, r.analysis);
    return { strategy: r.strategy, steps, analysis: r.analysis, autoRollback: r.autoRollback };
  });
