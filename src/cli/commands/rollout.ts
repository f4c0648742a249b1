// `rollcast rollout status|promote|pause|resume|abort NAME`: a deployment's progressive
// rollout (issue 5). `status` prints the phase and why, the plan with the current step, the
// weights and every analysis verdict with its reasons; `--json` prints the RolloutView.

import { ROLLOUT_COMMANDS, type RolloutView } from '../../api/rollout-views.js';
import type { ApiClient } from '../client.js';
import { CliError } from '../errors.js';

const path = (name: string): string => `/api/v1/deployments/${encodeURIComponent(name)}/rollout`;

/** The status as text: one header line, the plan with a marker on the current step, weights, verdicts. */
export function rolloutText(v: RolloutView): string {
  const lines = [
    `rollout ${v.id} of ${v.deployment}: ${v.canary} against ${v.stable} — ${v.phase}: ${v.reason}`,
    `  weights: ${Object.entries(v.weights).map(([rev, w]) => `${rev} ${w} %`).join(', ')}${v.mirror ? `; mirroring ${v.mirror.percent} % to ${v.mirror.revision}` : ''}`,
    '  steps:',
    ...v.steps.map((s, i) => `  ${i < v.step ? '✓' : i === v.step && v.active ? '→' : ' '} ${i + 1}. ${s}`),
  ];
  if (v.verdicts.length > 0) {
    lines.push('  analyses:');
    for (const a of v.verdicts) {
      lines.push(`    step ${a.step + 1}: ${a.outcome}${a.verdict ? ` (${a.verdict})` : ''}`);
      for (const r of a.reasons ?? []) lines.push(`      - ${r}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export async function rolloutStatus(api: ApiClient, name: string, o: { json?: boolean }, print: (t: string) => void = (t) => void process.stdout.write(t)): Promise<void> {
  const view = await api.get<RolloutView>(path(name));
  print(o.json ? `${JSON.stringify(view, null, 2)}\n` : rolloutText(view));
}

/** `promote [--full]`, `pause`, `resume`, `abort`: queued by the controller, applied on its next tick. */
export async function rolloutCommand(
  api: ApiClient,
  name: string,
  command: string,
  o: { full?: boolean; json?: boolean },
  print: (t: string) => void = (t) => void process.stdout.write(t),
): Promise<void> {
  const urlCommand = command === 'promote' && o.full ? 'promote-full' : command;
  if (!(urlCommand in ROLLOUT_COMMANDS)) throw new CliError(`unknown rollout command "${command}" (promote [--full], pause, resume, abort)`, 2);
  const view = await api.post<RolloutView>(`${path(name)}/${urlCommand}`, {});
  print(o.json ? `${JSON.stringify(view, null, 2)}\n` : `${urlCommand} sent to rollout ${view.id} of ${name}\n${rolloutText(view)}`);
}

/** `rollout undo NAME [--to-revision N]`: an earlier revision's spec and model applied again as a new revision. */
export async function rolloutUndo(
  api: ApiClient,
  name: string,
  o: { toRevision?: number; json?: boolean },
  print: (t: string) => void = (t) => void process.stdout.write(t),
): Promise<void> {
  const outcome = await api.post<{ revision: { id: string; number: number }; deployment: { servingRevision: string } }>(
    `/api/v1/deployments/${encodeURIComponent(name)}/undo`,
    o.toRevision === undefined ? {} : { toRevision: o.toRevision },
  );
  print(
    o.json
      ? `${JSON.stringify(outcome, null, 2)}\n`
      : `${name}: applied the earlier spec and model again as ${outcome.revision.id}; ${outcome.deployment.servingRevision} serves until it takes over (\`rollcast rollout status ${name}\`)\n`,
  );
}
