// The ModelDeployment schema (zod 4): the document, metadata, model and serving sections, and
// the assembly of the scaling and rollout sections from their own modules. Parsing with it
// validates every field, applies every default (from defaults.ts) and normalizes units in
// one pass; its output is exactly the ModelDeployment type (parse.ts relies on that).

import { z } from 'zod';
import { DEFAULTS, MIB } from './defaults.js';
import { formatDuration } from './duration.js';
import { brokenKeys, dnsLabel, duration, int, modelName, strict, whenObject } from './fields.js';
import { rolloutSchema } from './rollout-schema.js';
import { scalingSchema } from './scaling-schema.js';
import { API_VERSION, KIND, type ServingSpec } from './types.js';

// Kubernetes label syntax, so labels carry over to the Kubernetes target unchanged:
// an optional DNS-subdomain prefix and '/', then a name of at most 63 characters.
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function validLabelKey(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = key.slice(slash + 1);
  const prefixOk = prefix === undefined || (prefix.length <= 253 && LABEL_PREFIX.test(prefix));
  return prefixOk && name.length <= 63 && LABEL_NAME.test(name);
}

const labelValue = z
  .string({ error: 'must be a string (quote numbers and booleans: "1", "true")' })
  .max(63, 'must be at most 63 characters')
  .refine((v) => v === '' || LABEL_NAME.test(v), 'must be letters, digits, "-", "_" and ".", starting and ending with a letter or digit');

const labels = z.record(z.string(), labelValue).superRefine((record, ctx) => {
  for (const key of Object.keys(record)) {
    if (validLabelKey(key)) continue;
    ctx.addIssue({
      code: 'custom',
      path: [key],
      input: record[key],
      message: 'has an invalid label key: an optional DNS prefix and "/", then letters, digits, "-", "_", "." (at most 63)',
    });
  }
});

const metadataSchema = strict({
  name: dnsLabel,
  labels: labels.default(() => ({})),
});

// Letters, digits and . _ + - : semver ("1.4.0-rc.1+build") and plain counters ("2") fit.
const VERSION = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/;

// `version: 2` is a number in YAML; accept it as "2" rather than make authors quote it.
// (parse.ts keeps YAML's digits as written, so `version: 1.10` stays "1.10", not "1.1".)
const versionSchema = z.unknown().transform((input, ctx): string => {
  const text = typeof input === 'number' && Number.isFinite(input) ? String(input) : input;
  if (typeof text === 'string' && VERSION.test(text)) return text;
  ctx.addIssue({
    code: 'custom',
    input,
    message: 'must be a version such as "2" or "1.4.0": letters, digits, ".", "_", "+" and "-", at most 128 characters',
  });
  return z.NEVER;
});

const uriMessage = 'must be a non-empty string: the model file, relative to this spec (e.g. ./models/penguins-v1.onnx)';

const modelSchema = strict({
  name: modelName,
  version: versionSchema,
  uri: z.string({ error: uriMessage }).min(1, uriMessage),
  sha256: z
    .string({ error: 'must be a string of 64 hexadecimal digits' })
    .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hexadecimal digits: the SHA-256 of the model file (as printed by sha256sum)')
    .transform((s) => s.toLowerCase())
    .optional(),
  allowNonFinite: z.boolean().default(DEFAULTS.model.allowNonFinite),
});

const S = DEFAULTS.serving;

const servingSchema = strict({
  maxConcurrency: int({ gte: 1 }, ' (requests one replica runs at once)').default(S.maxConcurrency),
  queueTimeout: duration({ min: 0 }).default(S.queueTimeoutMs),
  timeout: duration({ min: 0, minExclusive: true }).default(S.timeoutMs),
  maxQueue: int({ gte: 0 }, ' (requests that may wait per deployment)').default(S.maxQueue),
  maxBodyBytes: int({ gte: 1, lte: 64 * MIB }, ' (bytes; 64 MiB = 67108864)').default(S.maxBodyBytes),
  intraOpThreads: int({ gte: 1 }).default(S.intraOpThreads),
})
  .superRefine((s, ctx) => {
    const broken = brokenKeys(ctx);
    // The timeout covers the whole request, queueing included, so a longer queue wait could
    // never end in an answer.
    if (!broken.has('queueTimeout') && !broken.has('timeout') && s.queueTimeout > s.timeout) {
      ctx.addIssue({
        code: 'custom',
        path: ['queueTimeout'],
        input: formatDuration(s.queueTimeout),
        message: `must be ≤ timeout (${formatDuration(s.timeout)}), which includes the time spent queueing`,
      });
    }
  }, whenObject)
  .transform(
    (s): ServingSpec => ({
      maxConcurrency: s.maxConcurrency,
      queueTimeoutMs: s.queueTimeout,
      timeoutMs: s.timeout,
      maxQueue: s.maxQueue,
      maxBodyBytes: s.maxBodyBytes,
      intraOpThreads: s.intraOpThreads,
    }),
  );

const specSchema = strict({
  model: modelSchema,
  serving: servingSchema.prefault({}),
  scaling: scalingSchema.prefault({}),
  rollout: rolloutSchema.prefault({}),
}).superRefine((s, ctx) => {
  const broken = brokenKeys(ctx);
  if (broken.has('scaling') || broken.has('rollout')) return;
  s.rollout.steps.forEach((step, i) => {
    if (step.kind !== 'setCanaryScale' || step.scale.kind !== 'replicas') return;
    if (step.scale.replicas <= s.scaling.maxReplicas) return;
    ctx.addIssue({
      code: 'custom',
      path: ['rollout', 'steps', i, 'setCanaryScale', 'replicas'],
      input: step.scale.replicas,
      message: `must be ≤ spec.scaling.maxReplicas (${s.scaling.maxReplicas})`,
    });
  });
}, whenObject);

export const deploymentSchema = strict({
  apiVersion: z.literal(API_VERSION),
  kind: z.literal(KIND),
  metadata: metadataSchema,
  spec: specSchema,
});
