// Which revisions serve which model name, and with what weight. The gateway reads it on
// every request; the control plane (and, later, the rollout controller) writes it.
//
// A model name is served by exactly one deployment. Each live revision of that deployment
// has its own ReplicaSet (admission and balancing) and a traffic weight; requests may pin
// a version in the URL (`/v2/models/{name}/versions/{v}/infer`) or a revision with the
// `x-rollcast-revision` header.

import type { Scheduler } from '../controller/clock.js';
import type { RevisionId } from '../spec/units.js';
import type { ModelSignature } from '../worker/signature.js';
import type { GatewayMetrics, RevisionMeters } from './metrics.js';
import { ReplicaSet, type AdmissionLimits } from './replica-set.js';
import type { UpstreamClient } from './frame-upstream.js';
import { WeightedChoice } from './weighted-choice.js';

export interface RevisionRouteSpec {
  deployment: string;
  revisionId: RevisionId;
  modelName: string;
  modelVersion: string;
  signature: ModelSignature;
  limits: AdmissionLimits;
  timeoutMs: number;
  maxBodyBytes: number;
}

export interface RevisionRoute {
  spec: RevisionRouteSpec;
  replicas: ReplicaSet;
  upstreams: Map<string, UpstreamClient>;
  meters: RevisionMeters;
  /** The worker-side path, computed once. */
  inferPath: string;
  weight: number;
}

export interface DeploymentRoute {
  deployment: string;
  modelName: string;
  revisions: Map<RevisionId, RevisionRoute>;
  choice: WeightedChoice<RevisionRoute>;
}

export class RoutingTable {
  readonly #byModel = new Map<string, DeploymentRoute>();
  readonly #byRevision = new Map<RevisionId, { route: DeploymentRoute; revision: RevisionRoute }>();

  constructor(
    private readonly scheduler: Scheduler,
    private readonly metrics: () => GatewayMetrics,
  ) {}

  model(name: string): DeploymentRoute | undefined {
    return this.#byModel.get(name);
  }

  revision(id: RevisionId): RevisionRoute | undefined {
    return this.#byRevision.get(id)?.revision;
  }

  deployments(): DeploymentRoute[] {
    return [...this.#byModel.values()];
  }

  /** Add a revision (weight 0 until setWeights), or update its limits on re-apply. */
  upsertRevision(spec: RevisionRouteSpec): void {
    const existing = this.#byRevision.get(spec.revisionId);
    if (existing) {
      existing.revision.spec = spec;
      existing.revision.replicas.setLimits(spec.limits);
      return;
    }
    let route = this.#byModel.get(spec.modelName);
    if (route && route.deployment !== spec.deployment) {
      throw new Error(`model name "${spec.modelName}" is already served by deployment "${route.deployment}"`);
    }
    if (!route) {
      route = { deployment: spec.deployment, modelName: spec.modelName, revisions: new Map(), choice: new WeightedChoice() };
      this.#byModel.set(spec.modelName, route);
    }
    const revision: RevisionRoute = {
      spec,
      replicas: new ReplicaSet(`model "${spec.modelName}" revision ${spec.revisionId}`, spec.limits, this.scheduler),
      upstreams: new Map(),
      meters: this.metrics().forRevision(spec.deployment, spec.revisionId),
      inferPath: `/v2/models/${encodeURIComponent(spec.modelName)}/infer`,
      weight: 0,
    };
    route.revisions.set(spec.revisionId, revision);
    this.#byRevision.set(spec.revisionId, { route, revision });
  }

  /** Set traffic weights of a deployment's revisions; unnamed revisions get 0. */
  setWeights(deployment: string, weights: ReadonlyMap<RevisionId, number>): void {
    const route = this.deployments().find((d) => d.deployment === deployment);
    if (!route) return;
    const byRoute = new Map<RevisionRoute, number>();
    for (const [id, revision] of route.revisions) {
      revision.weight = weights.get(id) ?? 0;
      byRoute.set(revision, revision.weight);
    }
    route.choice.set(byRoute);
  }

  removeRevision(id: RevisionId): void {
    const entry = this.#byRevision.get(id);
    if (!entry) return;
    this.#byRevision.delete(id);
    entry.route.revisions.delete(id);
    for (const upstream of entry.revision.upstreams.values()) void upstream.close();
    const weights = new Map([...entry.route.revisions].map(([rid, r]) => [rid, r.weight]));
    this.setWeights(entry.route.deployment, weights);
    if (entry.route.revisions.size === 0) this.#byModel.delete(entry.route.modelName);
  }

  /** The revision a request goes to: pinned by header or version, else by weight. */
  pick(route: DeploymentRoute, version: string | undefined, pinnedRevision: string | undefined): RevisionRoute | string {
    if (pinnedRevision !== undefined) {
      const r = route.revisions.get(pinnedRevision as RevisionId);
      return r ?? `model "${route.modelName}" has no live revision "${pinnedRevision}" (live: ${[...route.revisions.keys()].join(', ')})`;
    }
    if (version !== undefined) {
      // Several revisions may carry one model version (a serving-only change): prefer the
      // one taking traffic, then the newest.
      const matching = [...route.revisions.values()].filter((r) => r.spec.modelVersion === version);
      const best = matching.find((r) => r.weight > 0) ?? matching[matching.length - 1];
      return best ?? `model "${route.modelName}" has no version "${version}" (serving: ${this.versions(route).join(', ')})`;
    }
    return route.choice.next() ?? `model "${route.modelName}" has no revision taking traffic yet`;
  }

  versions(route: DeploymentRoute): string[] {
    return [...new Set([...route.revisions.values()].map((r) => r.spec.modelVersion))];
  }
}
