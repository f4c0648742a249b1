// `rollcast apply -f spec.yaml`: send a spec to the control plane. The model path in the
// spec is resolved against the spec file's folder by the control plane (same machine).

import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ApplyOutcome } from '../../controller/control-plane.js';
import type { ApiClient } from '../client.js';
import { CliError } from '../errors.js';

export async function apply(api: ApiClient, o: { file: string; json?: boolean }): Promise<void> {
  const path = resolve(o.file);
  let specText: string;
  try {
    specText = await readFile(path, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read spec file ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  const outcome = await api.post<ApplyOutcome>('/api/v1/deployments', { specText, specPath: path });
  if (o.json) {
    process.stdout.write(`${JSON.stringify(outcome, null, 2)}\n`);
    return;
  }
  const d = outcome.deployment;
  process.stdout.write(
    outcome.changed
      ? `deployment/${d.name} applied: revision ${outcome.revision.id} (model sha256 ${outcome.revision.modelDigest.slice(0, 12)}…), ${d.desiredReplicas} replicas\n`
      : `deployment/${d.name} unchanged (revision ${outcome.revision.id})\n`,
  );
  for (const w of outcome.warnings) process.stdout.write(`warning: ${w}\n`);
}
