// The one HTTP port of a rollcast control plane: the inference gateway (/v2/…), the admin
// API (/api/v1/…, JSON, bearer token for anything that changes state) and Prometheus
// metrics (/metrics).
//
// Fastify serves the admin API; the /v2 requests are handed to the gateway before Fastify
// routing (serverFactory), because the inference path is the hot one and the gateway
// handles it on raw node:http (see serving/gateway.ts).

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import type { ControlPlane } from '../controller/control-plane.js';
import type { Autoscaler } from '../controller/autoscaler.js';
import type { Store } from '../store/index.js';
import { registerAutoscalingRoutes } from './autoscaling-routes.js';
import { registerRolloutRoutes, type RolloutOperations } from './rollout-routes.js';
import type { Gateway } from '../serving/gateway.js';
import { bearerMatches } from './admin-token.js';
import { toHttpFailure } from './http-errors.js';
import { registerAdminRoutes } from './routes.js';

export interface ServerOptions {
  controlPlane: ControlPlane;
  autoscaler: Autoscaler;
  rollouts: RolloutOperations;
  store: Store;
  gateway: Gateway;
  adminToken: string;
  host: string;
  port: number;
  version: string;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const app: FastifyInstance = Fastify({
    logger: false,
    bodyLimit: 8 * 1024 * 1024,
    serverFactory: (handler) =>
      createServer({ keepAliveTimeout: 65_000 }, (req: IncomingMessage, res: ServerResponse) => {
        const url = req.url ?? '';
        if (url === '/v2' || url.startsWith('/v2/') || url.startsWith('/v2?')) opts.gateway.handle(req, res);
        else handler(req, res);
      }),
  });

  app.setErrorHandler((err, _req, reply) => {
    const failure = toHttpFailure(err);
    void reply.status(failure.status).send(failure.body);
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.status(404).send({ error: `no route for ${req.method} ${req.url.split('?')[0] ?? ''}` });
  });
  // Reads are open on the loopback interface; anything that changes state needs the token.
  // Every request that reaches Fastify is outside /v2, so every non-read is an admin call:
  // checking the method, not the path, leaves no encoded-path way around it (/%61pi/…).
  app.addHook('onRequest', async (req, reply) => {
    if (req.method === 'GET' || req.method === 'HEAD') return;
    if (!bearerMatches(req.headers.authorization, opts.adminToken)) {
      await reply
        .status(401)
        .header('www-authenticate', 'Bearer')
        .send({ error: 'this admin call needs `Authorization: Bearer <token>` (ROLLCAST_ADMIN_TOKEN, or the admin-token file in the data dir)' });
    }
  });

  app.get('/metrics', async (_req, reply) => {
    const { contentType, body } = await opts.gateway.metrics.exposition();
    return reply.header('content-type', contentType).send(body);
  });
  app.get('/', () => ({
    name: 'rollcast',
    version: opts.version,
    endpoints: { inference: '/v2', admin: '/api/v1', metrics: '/metrics' },
  }));
  registerAdminRoutes(app, opts.controlPlane);
  registerAutoscalingRoutes(app, opts.autoscaler, opts.store);
  registerRolloutRoutes(app, opts.rollouts);

  await app.listen({ host: opts.host, port: opts.port });
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    close: () => app.close(),
  };
}
