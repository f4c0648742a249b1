// `rollcast delete deployment NAME`.

import type { Deployment } from '../../store/index.js';
import type { ApiClient } from '../client.js';
import { CliError } from '../errors.js';

export async function remove(api: ApiClient, kind: string, name: string): Promise<void> {
  if (kind !== 'deployment' && kind !== 'deploy') throw new CliError(`cannot delete "${kind}": expected deployment`, 2);
  const { deployment } = await api.delete<{ deployment: Deployment }>(`/api/v1/deployments/${encodeURIComponent(name)}`);
  process.stdout.write(`deployment/${deployment.name} deleted\n`);
}
