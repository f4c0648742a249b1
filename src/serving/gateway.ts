// The inference gateway: the Open Inference Protocol v2 REST API in front of the replicas.
//
// The infer path is written against raw node:http on purpose: it is the hot path whose
// throughput is benchmarked against nginx (bench/serving), so it parses only the URL, reads
// the body as bytes and forwards them without decoding JSON — the worker validates the
// tensors against the model's signature and answers 400 with the reason. What the gateway
// adds on top of a plain proxy: routing by model/version/revision weight, least-outstanding
// balancing, admission control (bounded queue, 429/503 with Retry-After), one retry on
// another replica when a worker dies before answering, and per-revision metrics and
// analysis samples (analysis-sampler.ts) for canary analysis.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Scheduler } from '../controller/clock.js';
import type { RevisionId } from '../spec/units.js';
import type { ReplicaEndpointInfo, ReplicaSink } from '../targets/target.js';
import { ABORTED, readBody } from '../worker/http-io.js';
import { mulberry32 } from '../spec/random.js';
import { AnalysisSampler, CLIENT_CLOSED } from './analysis-sampler.js';
import { sendError, sendErrorAndClose, sendJson } from './http-reply.js';
import { GatewayMetrics, type RevisionGaugeSource } from './metrics.js';
import type { Lease, Refusal } from './replica-set.js';
import { RoutingTable, type DeploymentRoute, type RevisionRoute } from './routing-table.js';
import { FrameUpstream } from './frame-upstream.js';
import { Upstream } from './upstream.js';

export interface GatewayOptions {
  scheduler: Scheduler;
  serverName?: string;
  serverVersion?: string;
  processMetrics?: boolean;
  /** Wall-clock milliseconds for the analysis samples; default Date.now. */
  now?: () => number;
}

/** What the autoscaler reads from the gateway each tick for one deployment. */
export interface LoadSample {
  /** Infer requests routed to the deployment since the gateway started (monotone): the offered load, refused ones included. */
  arrivals: number;
  /** Requests being served by replicas now, and waiting in the queues. */
  inFlight: number;
  queued: number;
  /** Ready replicas over the deployment's revisions. */
  ready: number;
}

export class Gateway implements ReplicaSink, RevisionGaugeSource {
  readonly routes: RoutingTable;
  readonly metrics: GatewayMetrics;
  /** Per-revision counts and latency/prediction samples for canary analysis windows. */
  readonly analysis: AnalysisSampler;
  readonly #serverMetadata: string;
  /** Per deployment, not per revision: the count must survive a revision being retired. */
  readonly #arrivals = new Map<string, number>();

  constructor(opts: GatewayOptions) {
    this.metrics = new GatewayMetrics(this, { processMetrics: opts.processMetrics ?? false });
    // A fixed seed: reservoir sampling needs spread, not unpredictability.
    this.analysis = new AnalysisSampler({ now: opts.now ?? Date.now, random: mulberry32(0x5eed) });
    this.routes = new GatewayRoutes(opts.scheduler, () => this.metrics, (id) => this.analysis.forget(id));
    this.#serverMetadata = JSON.stringify({ name: opts.serverName ?? 'rollcast', version: opts.serverVersion ?? '0', extensions: [] });
  }

  // --- ReplicaSink: the target tells us who can take traffic -------------------------------

  replicaReady(revisionId: RevisionId, endpoint: ReplicaEndpointInfo): void {
    const revision = this.routes.revision(revisionId);
    if (!revision) return;
    const { limits, timeoutMs } = revision.spec;
    const old = revision.upstreams.get(endpoint.replicaId);
    if (old) void old.close();
    revision.upstreams.set(
      endpoint.replicaId,
      endpoint.framePort !== undefined
        ? new FrameUpstream(endpoint.host, endpoint.framePort, timeoutMs)
        : new Upstream(endpoint.host, endpoint.port, { connections: limits.maxConcurrency, timeoutMs }),
    );
    revision.replicas.add(endpoint);
  }

  replicaDraining(revisionId: RevisionId, replicaId: string): Promise<void> {
    return this.routes.revision(revisionId)?.replicas.drain(replicaId) ?? Promise.resolve();
  }

  replicaGone(revisionId: RevisionId, replicaId: string): void {
    const revision = this.routes.revision(revisionId);
    if (!revision) return;
    revision.replicas.remove(replicaId);
    const upstream = revision.upstreams.get(replicaId);
    revision.upstreams.delete(replicaId);
    if (upstream) void upstream.close();
  }

  revisions(): { deployment: string; revision: string; inFlight: number; ready: number; queued: number }[] {
    return this.routes.deployments().flatMap((d) =>
      [...d.revisions.values()].map((r) => ({
        deployment: d.deployment,
        revision: r.spec.revisionId,
        inFlight: r.replicas.inFlight,
        ready: r.replicas.readyCount,
        queued: r.replicas.queueLength,
      })),
    );
  }

  /** The deployment's counters now, or undefined when the gateway has no route for it. */
  loadSample(deployment: string): LoadSample | undefined {
    const route = this.routes.deployments().find((d) => d.deployment === deployment);
    if (!route) return undefined;
    let inFlight = 0;
    let queued = 0;
    let ready = 0;
    for (const r of route.revisions.values()) {
      inFlight += r.replicas.inFlight;
      queued += r.replicas.queueLength;
      ready += r.replicas.readyCount;
    }
    return { arrivals: this.#arrivals.get(deployment) ?? 0, inFlight, queued, ready };
  }

  // --- HTTP -------------------------------------------------------------------------------

  /** Handles every request under /v2. */
  handle(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const parts = path.split('/');
    // parts[0] is '' (leading slash), parts[1] is 'v2'.
    if (parts.length === 2 || (parts.length === 3 && parts[2] === '')) return this.#get(req, res, () => res.end(this.#serverMetadata), true);
    if (parts[2] === 'health' && parts.length === 4) {
      if (parts[3] === 'live') return this.#get(req, res, () => sendJson(res, 200, { live: true }));
      if (parts[3] === 'ready') return this.#get(req, res, () => this.#serverReady(res));
    }
    if (parts[2] === 'models' && parts.length >= 4) {
      let name: string;
      try {
        name = decodeURIComponent(parts[3] ?? '');
      } catch {
        return sendError(res, 400, `model name in ${path} is not valid URL encoding`);
      }
      let rest = parts.slice(4);
      let version: string | undefined;
      if (rest[0] === 'versions' && rest.length >= 2) {
        try {
          version = decodeURIComponent(rest[1] ?? '');
        } catch {
          return sendError(res, 400, `model version in ${path} is not valid URL encoding`);
        }
        rest = rest.slice(2);
      }
      const action = rest.length === 0 ? 'metadata' : rest.length === 1 ? rest[0] : undefined;
      if (action === 'metadata' || action === 'ready' || action === 'infer') {
        const route = this.routes.model(name);
        if (!route) {
          this.metrics.unrouted('unknown_model');
          const known = this.routes.deployments().map((d) => d.modelName);
          return sendError(res, 404, `unknown model "${name}"${known.length ? ` (serving: ${known.join(', ')})` : ' (no models deployed)'}`);
        }
        if (action === 'infer') return this.#infer(req, res, route, version);
        if (action === 'ready') return this.#get(req, res, () => this.#modelReady(res, route, version));
        return this.#get(req, res, () => this.#modelMetadata(res, route, version));
      }
    }
    this.metrics.unrouted('not_found');
    sendError(res, 404, `no route for ${req.method ?? 'GET'} ${path}`);
  }

  #get(req: IncomingMessage, res: ServerResponse, answer: () => void, rawJson = false): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      this.metrics.unrouted('method');
      return sendError(res, 405, `${req.method ?? '?'} is not allowed here; use GET`, { allow: 'GET, HEAD' });
    }
    if (rawJson) res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    answer();
  }

  #serverReady(res: ServerResponse): void {
    const notReady = this.routes.deployments().filter((d) => ![...d.revisions.values()].some((r) => r.weight > 0 && r.replicas.readyCount > 0));
    if (notReady.length === 0) return sendJson(res, 200, { ready: true });
    sendJson(res, 503, { ready: false, error: `not ready: ${notReady.map((d) => d.modelName).join(', ')}` });
  }

  #resolve(res: ServerResponse, route: DeploymentRoute, version: string | undefined): RevisionRoute | undefined {
    if (version === undefined) {
      const serving = [...route.revisions.values()].filter((r) => r.weight > 0);
      return serving.sort((a, b) => b.weight - a.weight)[0] ?? [...route.revisions.values()].at(-1);
    }
    const picked = this.routes.pick(route, version, undefined);
    if (typeof picked === 'string') {
      this.metrics.unrouted('unknown_version');
      sendError(res, 404, picked);
      return undefined;
    }
    return picked;
  }

  #modelMetadata(res: ServerResponse, route: DeploymentRoute, version: string | undefined): void {
    const revision = this.#resolve(res, route, version);
    if (!revision) return;
    const { signature } = revision.spec;
    sendJson(res, 200, {
      name: route.modelName,
      versions: version !== undefined ? [version] : this.routes.versions(route),
      platform: 'onnxruntime',
      inputs: signature.inputs,
      outputs: signature.outputs,
    });
  }

  #modelReady(res: ServerResponse, route: DeploymentRoute, version: string | undefined): void {
    const revision = this.#resolve(res, route, version);
    if (!revision) return;
    const ready = revision.replicas.readyCount > 0;
    sendJson(res, ready ? 200 : 503, { name: route.modelName, ready });
  }

  #infer(req: IncomingMessage, res: ServerResponse, route: DeploymentRoute, version: string | undefined): void {
    if (req.method !== 'POST') {
      this.metrics.unrouted('method');
      return sendError(res, 405, `${req.method ?? '?'} is not allowed on infer; use POST`, { allow: 'POST' });
    }
    const pin = req.headers['x-rollcast-revision'];
    const picked = this.routes.pick(route, version, typeof pin === 'string' ? pin : undefined);
    if (typeof picked === 'string') {
      this.metrics.unrouted('unknown_version');
      req.resume();
      return sendError(res, 404, picked);
    }
    this.#arrivals.set(route.deployment, (this.#arrivals.get(route.deployment) ?? 0) + 1);
    void this.#serve(req, res, picked, performance.now());
  }

  /** One answered infer request: Prometheus, and the analysis samples (with the body of a 2xx, for predictions). */
  #observe(revision: RevisionRoute, status: number, started: number, body?: Buffer): void {
    const ms = performance.now() - started;
    revision.meters.observe(status, ms / 1000);
    this.analysis.record(revision.spec.revisionId, ms, status, body);
  }

  async #serve(req: IncomingMessage, res: ServerResponse, revision: RevisionRoute, started: number): Promise<void> {
    const { meters } = revision;
    const limit = revision.spec.maxBodyBytes;
    const body = await readBody(req, limit);
    if (body === ABORTED) {
      meters.error('client_closed');
      this.analysis.record(revision.spec.revisionId, performance.now() - started, CLIENT_CLOSED);
      return;
    }
    if (!Buffer.isBuffer(body)) {
      meters.error('bad_request');
      this.#observe(revision, 413, started);
      const size = `${body.declared ? '' : 'more than '}${body.bytes}`;
      return sendErrorAndClose(res, 413, `request body of ${size} bytes exceeds the limit of ${limit} bytes (spec.serving.maxBodyBytes)`);
    }
    const contentType = req.headers['content-type'] ?? 'application/json';
    let exclude: string | undefined;
    // At most two attempts: the second only when the first replica died before answering.
    for (let attempt = 0; attempt < 2; attempt++) {
      const admitted = revision.replicas.acquire(exclude);
      let lease: Lease | Refusal;
      if (admitted instanceof Promise) {
        // A client that hangs up while queued gives its place back (it would otherwise
        // count against maxQueue and still be sent to a worker).
        const hangUp = (): void => revision.replicas.withdraw(admitted);
        res.once('close', hangUp);
        lease = await admitted;
        res.off('close', hangUp);
      } else {
        lease = admitted;
      }
      if ('refused' in lease) {
        if (lease.refused === 'withdrawn') {
          meters.error('client_closed');
          this.analysis.record(revision.spec.revisionId, performance.now() - started, CLIENT_CLOSED);
          return;
        }
        const full = lease.refused === 'queue-full';
        meters.error(full ? 'queue_full' : 'queue_timeout');
        this.#observe(revision, full ? 429 : 503, started);
        const retryAfter = String(Math.max(1, Math.ceil(revision.spec.limits.queueTimeoutMs / 1000)));
        return sendError(res, full ? 429 : 503, lease.message, { 'retry-after': retryAfter });
      }
      const replicaId = lease.endpoint.replicaId;
      const upstream = revision.upstreams.get(replicaId);
      const outcome = upstream
        ? await upstream.send(revision.inferPath, body, contentType)
        : { kind: 'unreachable' as const, message: 'replica left the pool' };
      lease.release();
      // A worker answers 503 only before reading a request (warming up or draining), so the
      // request is safe to send to another replica once.
      if (outcome.kind === 'response' && outcome.status === 503 && attempt === 0 && revision.replicas.readyCount > 1) {
        revision.replicas.suspect(replicaId);
        exclude = replicaId;
        meters.retried();
        continue;
      }
      if (outcome.kind === 'response') {
        const status = outcome.status;
        if (status >= 500) meters.error('model_error');
        else if (status >= 400) meters.error('bad_request');
        this.#observe(revision, status, started, outcome.body);
        res.writeHead(status, {
          'content-type': outcome.contentType ?? 'application/json',
          'content-length': outcome.body.length,
          'x-rollcast-revision': revision.spec.revisionId,
          'x-rollcast-replica': replicaId,
        });
        res.end(outcome.body);
        return;
      }
      if (outcome.kind === 'broken') {
        meters.error('upstream');
        this.#observe(revision, 502, started);
        return sendError(res, 502, `model "${revision.spec.modelName}" replica ${replicaId}: ${outcome.message}`);
      }
      if (outcome.kind === 'timeout') {
        meters.error('timeout');
        this.#observe(revision, 504, started);
        return sendError(res, 504, `model "${revision.spec.modelName}" replica ${replicaId}: ${outcome.message}`);
      }
      // Unreachable: the worker died or its socket closed before any answer. Take it out of
      // rotation (the supervisor replaces it) and try once more elsewhere.
      revision.replicas.suspect(replicaId);
      exclude = replicaId;
      if (attempt === 0) meters.retried();
      else {
        meters.error('upstream');
        this.#observe(revision, 502, started);
        return sendError(res, 502, `model "${revision.spec.modelName}": two replicas failed before answering (last: ${outcome.message})`);
      }
    }
  }
}

/** The routing table; a revision the control plane retires takes its analysis samples with it. */
class GatewayRoutes extends RoutingTable {
  constructor(
    scheduler: Scheduler,
    metrics: () => GatewayMetrics,
    private readonly retired: (id: RevisionId) => void,
  ) {
    super(scheduler, metrics);
  }

  override removeRevision(id: RevisionId): void {
    super.removeRevision(id);
    this.retired(id);
  }
}
