import { describe, expect, it } from 'vitest';
import type { RolloutView } from '../../api/rollout-views.js';
import type { ApiClient } from '../client.js';
import { CliError } from '../errors.js';
import { rolloutCommand, rolloutText } from './rollout.js';

const view: RolloutView = {
  id: 3,
  deployment: 'penguins',
  stable: 'penguins-r1',
  canary: 'penguins-r2',
  active: true,
  createdAt: 0,
  updatedAt: 0,
  phase: 'Progressing',
  reason: 'step 3/4 (analysis): judging penguins-r2 against penguins-r1',
  step: 2,
  steps: ['setWeight 20', 'pause 20s', 'analysis', 'setWeight 50'],
  weights: { 'penguins-r1': 80, 'penguins-r2': 20 },
  mirror: null,
  verdicts: [{ step: 2, outcome: 'continue', verdict: 'Inconclusive', reasons: ['error-rate: 40 of 200 needed samples'] }],
};

describe('rolloutText', () => {
  it('shows the phase and reason, weights, the plan with done and current steps, and each verdict with its reasons', () => {
    expect(rolloutText(view)).toBe(
      [
        'rollout 3 of penguins: penguins-r2 against penguins-r1 — Progressing: step 3/4 (analysis): judging penguins-r2 against penguins-r1',
        '  weights: penguins-r1 80 %, penguins-r2 20 %',
        '  steps:',
        '  ✓ 1. setWeight 20',
        '  ✓ 2. pause 20s',
        '  → 3. analysis',
        '    4. setWeight 50',
        '  analyses:',
        '    step 3: continue (Inconclusive)',
        '      - error-rate: 40 of 200 needed samples',
        '',
      ].join('\n'),
    );
  });

  it('marks no current step once the rollout has finished', () => {
    expect(rolloutText({ ...view, active: false, phase: 'Succeeded', step: 4, verdicts: [] })).not.toContain('→');
  });
});

describe('rolloutCommand', () => {
  const api = (calls: string[]): ApiClient =>
    ({
      post: (p: string) => {
        calls.push(p);
        return Promise.resolve(view);
      },
    }) as unknown as ApiClient; // only post is used

  it('sends promote --full as promote-full, and the other commands as named', async () => {
    const calls: string[] = [];
    const out: string[] = [];
    await rolloutCommand(api(calls), 'penguins', 'promote', { full: true }, (t) => out.push(t));
    await rolloutCommand(api(calls), 'penguins', 'abort', {}, (t) => out.push(t));
    expect(calls).toEqual(['/api/v1/deployments/penguins/rollout/promote-full', '/api/v1/deployments/penguins/rollout/abort']);
    expect(out[0]).toMatch(/^promote-full sent to rollout 3 of penguins\n/);
  });

  it('refuses an unknown command with a usage error, sending nothing', async () => {
    const calls: string[] = [];
    const err = await rolloutCommand(api(calls), 'penguins', 'rollback', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).message).toBe('unknown rollout command "rollback" (promote [--full], pause, resume, abort)');
    expect((err as CliError).exitCode).toBe(2);
    expect(calls).toEqual([]);
  });
});
