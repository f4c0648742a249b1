// Shared helpers for the spec tests: a minimal valid document and a deep merge to vary it.
// (A test file so that it is never part of the built core; its one test checks the base.)
import { expect, it } from 'vitest';
import { validateDeploymentObject } from './parse.js';

type Json = Record<string, unknown>;

const isPlain = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `patch` over `base`: mappings merge, anything else (lists included) replaces. */
export function merge(base: Json, patch: Json): Json {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key];
    out[key] = isPlain(current) && isPlain(value) ? merge(current, value) : value;
  }
  return out;
}

export const minimal = (): Json => ({
  apiVersion: 'rollcast.dev/v1alpha1',
  kind: 'ModelDeployment',
  metadata: { name: 'penguins' },
  spec: { model: { name: 'penguins', version: '1', uri: './models/penguins-v1.onnx' } },
});

/** The minimal document with `patch` merged into `spec`. */
export const withSpec = (patch: Json): Json => merge(minimal(), { spec: patch });

it('the minimal fixture is valid', () => {
  expect(validateDeploymentObject(minimal()).ok).toBe(true);
});
