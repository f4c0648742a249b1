// The rollcast gateway in its own process, as `rollcast up` runs it: a Gateway with one
// revision route at weight 100 over already-running workers, served on node:http the way
// src/api/server.ts hands /v2 requests to it (before any admin routing), with Prometheus
// metrics on (process metrics included, as `rollcast up` sets them). What is left out is
// the control plane (store, controller ticks, admin API), which is idle during a benchmark.
//
// Started by the runner with the config in ROLLCAST_BENCH_GATEWAY; reports
// `{ type: 'listening', port }` over IPC; exits on `{ type: 'stop' }` or when the IPC
// channel closes (the runner died).

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemScheduler } from '../../src/controller/clock.js';
import { Gateway } from '../../src/serving/gateway.js';
import { revisionId } from '../../src/spec/units.js';
import { GATEWAY_CONFIG_ENV, type GatewayProcessConfig, type GatewayProcessMessage } from './messages.js';

function main(): void {
  const config = JSON.parse(process.env[GATEWAY_CONFIG_ENV] ?? '') as GatewayProcessConfig;
  const gateway = new Gateway({ scheduler: systemScheduler, serverVersion: 'bench', processMetrics: true });
  const rid = revisionId(config.revisionId);
  gateway.routes.upsertRevision({
    deployment: config.deployment,
    revisionId: rid,
    modelName: config.modelName,
    modelVersion: config.modelVersion,
    signature: config.signature,
    limits: config.limits,
    timeoutMs: config.timeoutMs,
    maxBodyBytes: config.maxBodyBytes,
  });
  gateway.routes.setWeights(config.deployment, new Map([[rid, 100]]));
  for (const w of config.workers) gateway.replicaReady(rid, { replicaId: w.replicaId, host: '127.0.0.1', port: w.port, ...(w.framePort !== undefined && { framePort: w.framePort }) });

  // The same dispatch as src/api/server.ts's serverFactory; /metrics stands in for Fastify's route.
  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    const url = req.url ?? '';
    if (url === '/v2' || url.startsWith('/v2/') || url.startsWith('/v2?')) return gateway.handle(req, res);
    if (url === '/metrics') {
      void gateway.metrics.exposition().then(({ contentType, body }) => {
        res.writeHead(200, { 'content-type': contentType });
        res.end(body);
      });
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: `no route for ${req.method ?? '?'} ${url}` }));
  });

  const stop = (code: number) => {
    server.close();
    server.closeAllConnections();
    // A normal exit (not a signal) so --cpu-prof, when set, writes its profile.
    process.exit(code);
  };
  process.on('message', (raw) => {
    if ((raw as { type?: unknown } | null)?.type === 'stop') stop(0);
  });
  process.once('disconnect', () => stop(1));
  process.on('SIGTERM', () => stop(0));

  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    const msg: GatewayProcessMessage = { type: 'listening', port };
    process.send?.(msg);
  });
}

main();
