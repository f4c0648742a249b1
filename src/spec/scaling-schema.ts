// `spec.scaling`: replica bounds, the target-tracking metric, predictive and reactive
// settings. Field rules sit on the fields; rules that relate fields (max ≥ min, horizon ≤
// history) run on the enclosing object even when other fields failed, skipping only rules
// whose own inputs are broken, so every problem is reported in one pass.

import { z } from 'zod';
import { DEFAULTS } from './defaults.js';
import { DAY, formatDuration, HOUR } from './duration.js';
import { brokenKeys, duration, int, num, readDuration, strict, whenObject } from './fields.js';
import type { PredictiveSpec, ReactiveSpec, ScaleDirection, ScalingSpec, SchedulingBuffer } from './types.js';

const D = DEFAULTS.scaling;

const utilization = num({ gt: 0, lte: 1 }, ' (0.7 = aim at 70 % of valuePerReplica)').default(D.target.utilization);

// `valuePerReplica` has no default for rps and concurrency: only the model's owner knows what
// one replica can serve, and a guessed capacity would scale wrongly in both directions.
const targetSchema = z.discriminatedUnion('metric', [
  strict({
    metric: z.literal('rps'),
    valuePerReplica: num({ gt: 0 }, ' for metric rps: the requests per second one replica serves at full load'),
    utilization,
  }),
  strict({
    metric: z.literal('concurrency'),
    valuePerReplica: num({ gt: 0 }, ' for metric concurrency: the requests one replica has in flight at full load'),
    utilization,
  }),
  strict({
    metric: z.literal('cpu'),
    valuePerReplica: num({ gt: 0, lte: 100 }, ' for metric cpu: the CPU percent at which a replica counts as full').default(
      D.target.cpuValuePerReplica,
    ),
    utilization,
  }),
]);

// AWS caps SchedulingBufferTime at 3600 s; a longer lead time means the forecast is wrong.
const schedulingBuffer = z.unknown().transform((input, ctx): SchedulingBuffer => {
  if (input === 'auto') return { kind: 'auto' };
  const ms = readDuration(input, { min: 0, max: HOUR }, ctx, 'auto or ');
  return ms === undefined ? z.NEVER : { kind: 'fixed', durationMs: ms };
});

const P = D.predictive;

const predictiveSchema = strict({
  mode: z.enum(['Off', 'ForecastOnly', 'ForecastAndScale']).default(P.mode),
  quantile: num({ gt: 0, lt: 1 }, ' (0.9 = provision for the 90th percentile of forecast load)').default(P.quantile),
  history: duration({ min: DAY }).default(P.historyMs),
  horizon: duration({ min: 0, minExclusive: true }).default(P.horizonMs),
  schedulingBuffer: schedulingBuffer.default(() => ({ kind: 'auto' as const })),
  maxCapacityBreach: z.enum(['HonorMaxCapacity', 'IncreaseMaxCapacity']).default(P.maxCapacityBreach),
  maxCapacityBuffer: int({ gte: 0, lte: 100 }, ' (percent above maxReplicas the forecast may go)').default(P.maxCapacityBuffer),
  // Optional without a default written into the normalized spec: absent means 'forecast'
  // (types.ts HeadroomMode), so specs stored before the field existed read back unchanged.
  headroom: z.enum(['forecast', 'adaptive']).optional(),
})
  .superRefine((p, ctx) => {
    const broken = brokenKeys(ctx);
    if (!broken.has('horizon') && !broken.has('history') && p.horizon > p.history) {
      ctx.addIssue({
        code: 'custom',
        path: ['horizon'],
        input: formatDuration(p.horizon),
        message: `must be ≤ history (${formatDuration(p.history)}): a forecast cannot look further ahead than the history it learns from`,
      });
    }
  }, whenObject)
  .transform(
    (p): PredictiveSpec => ({
      mode: p.mode,
      quantile: p.quantile,
      historyMs: p.history,
      horizonMs: p.horizon,
      schedulingBuffer: p.schedulingBuffer,
      maxCapacityBreach: p.maxCapacityBreach,
      // Only IncreaseMaxCapacity uses the buffer; keep 0 otherwise so the value never misleads.
      maxCapacityBuffer: p.maxCapacityBreach === 'IncreaseMaxCapacity' ? p.maxCapacityBuffer : 0,
      ...(p.headroom !== undefined && { headroom: p.headroom }),
    }),
  );

const direction = (d: ScaleDirection) =>
  strict({
    // Kubernetes HPA caps stabilization windows at one hour, for the same reason as above.
    stabilization: duration({ min: 0, max: HOUR }).default(d.stabilizationMs),
    cooldown: duration({ min: 0 }).default(d.cooldownMs),
  }).transform((x): ScaleDirection => ({ stabilizationMs: x.stabilization, cooldownMs: x.cooldown }));

const R = D.reactive;

const reactiveSchema = strict({
  tolerance: num({ gte: 0, lt: 1 }, ' (0.1 = ignore deviations within ±10 % of the target)').default(R.tolerance),
  disableScaleIn: z.boolean().default(R.disableScaleIn),
  scaleUp: direction(R.scaleUp).prefault({}),
  scaleDown: direction(R.scaleDown).prefault({}),
}).transform((r): ReactiveSpec => r);

export const scalingSchema = strict({
  // replicas and maxReplicas stay optional here so the rules can tell a written value from a
  // default and blame the field the author actually wrote.
  replicas: int({ gte: 0 }).optional(),
  minReplicas: int({ gte: 0 }).default(D.minReplicas),
  maxReplicas: int().optional(),
  target: targetSchema.prefault({ metric: 'cpu' }),
  predictive: predictiveSchema.prefault({}),
  reactive: reactiveSchema.prefault({}),
})
  .superRefine((s, ctx) => {
    const broken = brokenKeys(ctx);
    const add = (key: string, input: unknown, message: string): void => {
      ctx.addIssue({ code: 'custom', path: [key], input, message });
    };
    const minOk = !broken.has('minReplicas');
    const maxOk = !broken.has('maxReplicas');
    const max = s.maxReplicas ?? D.maxReplicas;
    if (maxOk && s.maxReplicas !== undefined && s.maxReplicas < (minOk ? Math.max(1, s.minReplicas) : 1)) {
      add('maxReplicas', s.maxReplicas, minOk && s.minReplicas >= 1 ? `must be ≥ minReplicas (${s.minReplicas})` : 'must be ≥ 1');
    } else if (minOk && maxOk && s.maxReplicas === undefined && s.minReplicas > max) {
      add('minReplicas', s.minReplicas, `must be ≤ maxReplicas (${max} by default; set maxReplicas too)`);
    }
    if (s.replicas !== undefined && !broken.has('replicas') && minOk && maxOk && s.minReplicas <= max) {
      if (s.replicas < s.minReplicas || s.replicas > max) {
        add('replicas', s.replicas, `must be within minReplicas and maxReplicas (${s.minReplicas}..${max})`);
      }
    }
    if (minOk && s.minReplicas === 0 && !broken.has('target') && s.target.metric === 'cpu') {
      add(
        'minReplicas',
        0,
        'must be ≥ 1 with metric cpu: at zero replicas there is no CPU to measure, so load could never scale the deployment back up (use rps or concurrency to scale from zero)',
      );
    }
  }, whenObject)
  .transform(
    (s): ScalingSpec => ({
      replicas: s.replicas ?? s.minReplicas,
      minReplicas: s.minReplicas,
      maxReplicas: s.maxReplicas ?? D.maxReplicas,
      target: s.target,
      predictive: s.predictive,
      reactive: s.reactive,
    }),
  );
