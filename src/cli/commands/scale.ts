// `rollcast scale NAME --replicas N`: a manual replica count (within the spec's bounds).

import type { Deployment } from '../../store/index.js';
import type { ApiClient } from '../client.js';

export async function scale(api: ApiClient, name: string, replicas: number): Promise<void> {
  const { deployment } = await api.put<{ deployment: Deployment }>(`/api/v1/deployments/${encodeURIComponent(name)}/replicas`, { replicas });
  process.stdout.write(`deployment/${deployment.name} scaled to ${deployment.desiredReplicas} replicas\n`);
}
