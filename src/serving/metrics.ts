// Prometheus metrics of the gateway, per deployment and revision (prom-client, own
// registry so several control planes can live in one test process).
//
// Per-request cost matters on the hot path: the labelled children for a revision are looked
// up once and cached, and gauges (in-flight, ready replicas, queue length) are read from the
// live routing state at scrape time instead of being updated on every request.

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Latency buckets in seconds: from sub-millisecond model calls to the default 10 s timeout. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export type ErrorReason = 'bad_request' | 'queue_full' | 'queue_timeout' | 'upstream' | 'timeout' | 'model_error' | 'client_closed';

export interface RevisionGaugeSource {
  /** Called at scrape time: one row per live revision. */
  revisions(): { deployment: string; revision: string; inFlight: number; ready: number; queued: number }[];
}

export interface RevisionMeters {
  observe(status: number, seconds: number): void;
  error(reason: ErrorReason): void;
  retried(): void;
}

export class GatewayMetrics {
  readonly registry = new Registry();
  readonly #requests: Counter<'deployment' | 'revision' | 'code'>;
  readonly #errors: Counter<'deployment' | 'revision' | 'reason'>;
  readonly #retries: Counter<'deployment' | 'revision'>;
  readonly #latency: Histogram<'deployment' | 'revision'>;
  readonly #unrouted: Counter<'reason'>;
  readonly #meters = new Map<string, RevisionMeters>();

  constructor(source: RevisionGaugeSource, opts: { processMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.#requests = new Counter({
      name: 'rollcast_requests_total',
      help: 'Inference requests answered, by deployment, revision and HTTP status code.',
      labelNames: ['deployment', 'revision', 'code'],
      registers,
    });
    this.#errors = new Counter({
      name: 'rollcast_request_errors_total',
      help: 'Inference requests that failed, by reason (bad_request, queue_full, queue_timeout, upstream, timeout, model_error, client_closed).',
      labelNames: ['deployment', 'revision', 'reason'],
      registers,
    });
    this.#retries = new Counter({
      name: 'rollcast_request_retries_total',
      help: 'Requests retried on another replica because a worker died before answering.',
      labelNames: ['deployment', 'revision'],
      registers,
    });
    this.#latency = new Histogram({
      name: 'rollcast_request_duration_seconds',
      help: 'Inference latency seen by the gateway, from request received to response sent, including queueing.',
      labelNames: ['deployment', 'revision'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.#unrouted = new Counter({
      name: 'rollcast_gateway_unrouted_total',
      help: 'Requests that matched no deployment (unknown model or version, bad path).',
      labelNames: ['reason'],
      registers,
    });
    const gauge = (name: string, help: string, pick: (r: ReturnType<RevisionGaugeSource['revisions']>[number]) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['deployment', 'revision'],
        registers,
        collect() {
          this.reset();
          for (const r of source.revisions()) this.set({ deployment: r.deployment, revision: r.revision }, pick(r));
        },
      });
    gauge('rollcast_requests_in_flight', 'Requests being served by replicas right now.', (r) => r.inFlight);
    gauge('rollcast_ready_replicas', 'Replicas that passed warm-up and take traffic.', (r) => r.ready);
    gauge('rollcast_queue_length', 'Requests waiting for a replica with room.', (r) => r.queued);
    if (opts.processMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'rollcast_process_' });
  }

  forRevision(deployment: string, revision: string): RevisionMeters {
    const key = `${deployment}\u0000${revision}`;
    let meters = this.#meters.get(key);
    if (meters) return meters;
    const byCode = new Map<number, Counter.Internal>();
    const latency = this.#latency.labels(deployment, revision);
    const retries = this.#retries.labels(deployment, revision);
    const errors = this.#errors;
    const requests = this.#requests;
    meters = {
      observe(status, seconds) {
        let c = byCode.get(status);
        if (!c) {
          c = requests.labels(deployment, revision, String(status));
          byCode.set(status, c);
        }
        c.inc();
        latency.observe(seconds);
      },
      error(reason) {
        errors.labels(deployment, revision, reason).inc();
      },
      retried() {
        retries.inc();
      },
    };
    this.#meters.set(key, meters);
    return meters;
  }

  unrouted(reason: 'unknown_model' | 'unknown_version' | 'not_found' | 'method'): void {
    this.#unrouted.labels(reason).inc();
  }

  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
