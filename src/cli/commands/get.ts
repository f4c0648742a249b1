// `rollcast get deployments|revisions`: tables (or JSON) of what the control plane holds.

import type { Deployment, Revision } from '../../store/index.js';
import type { ApiClient } from '../client.js';
import { CliError } from '../errors.js';
import { formatAge, formatTable } from '../table.js';

export async function get(api: ApiClient, what: string, o: { deployment?: string; json?: boolean }): Promise<void> {
  const out = (s: string): void => void process.stdout.write(`${s}\n`);
  if (what === 'deployments' || what === 'deployment' || what === 'deploy') {
    const { deployments } = await api.get<{ deployments: Deployment[] }>('/api/v1/deployments');
    if (o.json) return out(JSON.stringify(deployments, null, 2));
    if (deployments.length === 0) return out('no deployments');
    const now = Date.now();
    return out(
      formatTable(
        ['NAME', 'REVISION', 'REPLICAS', 'AGE'],
        deployments.map((d) => [d.name, d.activeRevision, d.desiredReplicas, formatAge(d.createdAt, now)]),
      ),
    );
  }
  if (what === 'revisions' || what === 'revision' || what === 'rev') {
    const q = o.deployment ? `?deployment=${encodeURIComponent(o.deployment)}` : '';
    const { revisions } = await api.get<{ revisions: Revision[] }>(`/api/v1/revisions${q}`);
    if (o.json) return out(JSON.stringify(revisions, null, 2));
    if (revisions.length === 0) return out('no revisions');
    const now = Date.now();
    return out(
      formatTable(
        ['REVISION', 'DEPLOYMENT', 'MODEL', 'SHA256', 'AGE'],
        revisions.map((r) => {
          const model = (r.spec as { spec?: { model?: { name?: string; version?: unknown } } }).spec?.model;
          return [r.id, r.deployment, `${model?.name ?? '?'}:${typeof model?.version === 'string' || typeof model?.version === 'number' ? String(model.version) : '?'}`, `${r.modelDigest.slice(0, 12)}…`, formatAge(r.createdAt, now)];
        }),
      ),
    );
  }
  throw new CliError(`cannot get "${what}": expected deployments or revisions`, 2);
}
