// `rollcast describe deployment NAME`: everything about one deployment in one screen.

import type { DeploymentView } from '../../controller/control-plane.js';
import type { ApiClient } from '../client.js';
import { CliError } from '../errors.js';
import { formatTable, formatTime } from '../table.js';

export async function describe(api: ApiClient, kind: string, name: string, o: { json?: boolean }): Promise<void> {
  if (kind !== 'deployment' && kind !== 'deployments' && kind !== 'deploy') {
    throw new CliError(`cannot describe "${kind}": expected deployment`, 2);
  }
  const view = await api.get<DeploymentView>(`/api/v1/deployments/${encodeURIComponent(name)}`);
  const out = (s = ''): void => void process.stdout.write(`${s}\n`);
  if (o.json) return out(JSON.stringify(view, null, 2));
  const { deployment: d, spec } = view;
  const s = spec.spec;
  out(`Name:            ${d.name}`);
  out(`Model:           ${s.model.name} version ${s.model.version}`);
  out(`Revision:        ${d.servingRevision}${d.activeRevision !== d.servingRevision ? ` (serving; ${d.activeRevision} is starting and takes over when ready)` : ''}`);
  out(`Replicas:        ${d.desiredReplicas} desired (min ${s.scaling.minReplicas}, max ${s.scaling.maxReplicas})`);
  out(`Serving:         maxConcurrency ${s.serving.maxConcurrency}/replica, queue ${s.serving.maxQueue}, queueTimeout ${s.serving.queueTimeoutMs} ms, timeout ${s.serving.timeoutMs} ms`);
  out(`Created:         ${formatTime(d.createdAt)}`);
  out();
  out('Traffic:');
  out(formatTable(['REVISION', 'WEIGHT', 'READY', 'IN-FLIGHT', 'QUEUED'], view.traffic.map((t) => [t.revision, `${t.weight}%`, t.ready, t.inFlight, t.queued])));
  out();
  out('Replicas:');
  out(
    view.replicas.length === 0
      ? '  (none)'
      : formatTable(
          ['REPLICA', 'PHASE', 'PID', 'PORT', 'WARM-UP', 'RESTARTS', 'LAST ERROR'],
          view.replicas.map((r) => [r.replicaId, r.phase, r.pid ?? '-', r.port ?? '-', r.warmUpMs !== undefined ? `${r.warmUpMs} ms` : '-', r.restarts, r.lastError ?? '']),
        ),
  );
  out();
  out('Revisions:');
  out(formatTable(['REVISION', 'SHA256', 'CREATED'], view.revisions.map((r) => [r.id, `${r.modelDigest.slice(0, 12)}…`, formatTime(r.createdAt)])));
  out();
  out('Events:');
  out(view.events.length === 0 ? '  (none)' : formatTable(['TIME', 'TYPE', 'MESSAGE'], view.events.map((e) => [formatTime(e.ts), e.type, e.message])));
}
