// The control plane of one rollcast installation: the store, the gateway and a target,
// and the operations the admin API exposes (apply, scale, delete, describe).
//
// Apply is "check everything, then record, then act": the spec is validated and the model
// read, hashed and opened before anything is written, so a bad apply changes nothing and
// the revision already serving keeps serving. A new revision is started next to the old
// one and takes the traffic only when all its desired replicas are ready (then the old one
// is drained and stopped) — the simplest safe replacement until rollout strategies arrive.

import { dirname, join, resolve } from 'node:path';
import { checkAndKeepModel, inspectModel, ModelArtifactError } from './model-artifact.js';
import { formatSpecIssues, parseDeploymentSpec, validateDeploymentObject, type ModelDeployment } from '../spec/index.js';
import type { RevisionId } from '../spec/units.js';
import type { RolloutSpec } from '../spec/types.js';
import { NotFoundError, type Deployment, type Revision, type Store, type StoreEvent, type EventQuery } from '../store/index.js';
import type { Gateway } from '../serving/gateway.js';
import { admissionLimits } from '../serving/replica-set.js';
import type { ReplicaStatus, RevisionRuntime, Target, TargetEvent } from '../targets/target.js';
import type { ModelSignature } from '../worker/signature.js';
import { ConflictError, InvalidRequestError, InvalidSpecError } from './errors.js';
import { readFile } from 'node:fs/promises';

export interface ApplyRequest {
  /** The YAML (or JSON) text of the spec. */
  specText: string;
  /** Where the spec file is; relative model paths resolve against its folder. */
  specPath?: string;
}

export interface ApplyOutcome {
  changed: boolean;
  deployment: Deployment;
  revision: Revision;
  warnings: string[];
}

export interface DeploymentView {
  deployment: Deployment;
  spec: ModelDeployment;
  revisions: Revision[];
  /** Revisions the gateway routes to, with weights. */
  traffic: { revision: RevisionId; weight: number; ready: number; inFlight: number; queued: number }[];
  replicas: ReplicaStatus[];
  events: StoreEvent[];
}

/**
 * What the control plane needs from the rollout controller (rollout-controller.ts). Without
 * it (or for a spec with no `rollout` section) a new revision replaces the old one once all
 * its replicas are ready, as before rollouts existed.
 */
export interface RolloutHooks {
  /** True while the deployment has an active rollout: it, not the control plane, sizes and weighs the two revisions. */
  active(deployment: string): boolean;
  /** Starts a rollout of `canary` against `stable` (superseding an active one). */
  begin(deployment: string, stable: RevisionId, canary: RevisionId, spec: RolloutSpec): void;
}

export interface ControlPlaneDeps {
  store: Store;
  gateway: Gateway;
  target: Target;
  dataDir: string;
  rollouts?: RolloutHooks;
}

/** True when the spec as written has a `spec.rollout` section (defaults alone do not start a rollout). */
function writesRollout(raw: Record<string, unknown>): boolean {
  const spec = raw.spec;
  return typeof spec === 'object' && spec !== null && 'rollout' in spec;
}

export class ControlPlane {
  readonly #store: Store;
  readonly #gateway: Gateway;
  readonly #target: Target;
  readonly #modelDir: string;
  #rollouts: RolloutHooks | undefined;
  /** Revisions started and waiting to take over from older ones, per deployment. */
  readonly #pending = new Map<string, RevisionId>();
  readonly #revisionDeployment = new Map<RevisionId, string>();
  #last: Promise<void> = Promise.resolve();

  constructor(deps: ControlPlaneDeps) {
    this.#store = deps.store;
    this.#gateway = deps.gateway;
    this.#target = deps.target;
    this.#modelDir = join(deps.dataDir, 'models');
    this.#rollouts = deps.rollouts;
  }

  /** The rollout controller is built after the control plane (it scales through it): attached here. */
  attachRollouts(hooks: RolloutHooks): void {
    this.#rollouts = hooks;
  }

  /** Bring back every active deployment recorded in the store (control plane restart). */
  async restore(): Promise<string[]> {
    const failures: string[] = [];
    // One revision that cannot come back (its stored model file was deleted, say) must not
    // keep the others down: record why and go on.
    const bringBack = async (deployment: Deployment, id: RevisionId): Promise<boolean> => {
      const revision = this.#store.getRevision(id);
      try {
        const signature = await inspectModel(await readFile(revision.modelPath), revision.modelPath);
        await this.#start(revision, this.#specOf(revision), signature, deployment.desiredReplicas);
        return true;
      } catch (err) {
        const message = `could not restore ${revision.id}: ${(err as Error).message}`;
        failures.push(message);
        this.#store.recordEvent({ type: 'restore.failed', deployment: deployment.name, revision: revision.id, message });
        return false;
      }
    };
    for (const deployment of this.#store.listDeployments()) {
      const { servingRevision: serving, activeRevision: active } = deployment;
      if (!(await bringBack(deployment, serving))) continue;
      this.#gateway.routes.setWeights(deployment.name, new Map([[serving, 100]]));
      this.#store.recordEvent({ type: 'restored', deployment: deployment.name, revision: serving, message: `restored ${serving} with ${deployment.desiredReplicas} replicas` });
      // Stopped while a newer revision was starting: start it again, and it takes over once
      // ready, exactly as after the apply; the serving one keeps the traffic until then.
      // Under an active rollout the rollout controller resumes instead: it re-applies the
      // weights and replica counts its stored state says (absolute, so nothing repeats).
      const underRollout = this.#store.activeRollout(deployment.name) !== undefined;
      if (active !== serving && (await bringBack(deployment, active)) && !underRollout) this.#switchWhenReady(deployment.name, active, serving);
    }
    return failures;
  }

  /**
   * Changes run one at a time: an apply, scale or delete reads state, does slow work (model
   * checks, draining) and then writes, and two of them interleaving could claim one model
   * name twice, or retire what the other just started. Changes are rare; queueing them is
   * cheaper than reasoning about every interleaving.
   */
  #serialize<T>(op: () => Promise<T>): Promise<T> {
    const run = this.#last.then(op, op);
    this.#last = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  apply(req: ApplyRequest): Promise<ApplyOutcome> {
    return this.#serialize(() => this.#apply(req));
  }

  scale(name: string, replicas: number): Promise<Deployment> {
    return this.#serialize(() => this.#scale(name, replicas));
  }

  /**
   * The autoscaler's half of a scale: it already recorded the decision and the new desired
   * count (store.recordDecision); this brings the target to the desired count, serialized
   * with applies, scales and deletes. A deployment deleted meanwhile is left alone.
   *
   * The count is read from the store when this runs, not taken from `replicas`: a `rollcast
   * scale` queued ahead of this call writes its count after the autoscaler recorded its
   * decision, and scaling to the autoscaler's (older) count here would leave the target
   * running another number than the store says until the next decision that changes it.
   */
  applyReplicas(name: string, _replicas: number): Promise<void> {
    return this.#serialize(async () => {
      const deployment = this.#tryDeployment(name);
      if (!deployment) return;
      // During a rollout the rollout controller splits the count between the two revisions.
      if (this.#rollouts?.active(name)) return;
      await this.#target.scale(this.#pending.get(name) ?? deployment.activeRevision, deployment.desiredReplicas);
      await this.#maybeSwitch(name);
    });
  }

  delete(name: string): Promise<Deployment> {
    return this.#serialize(() => this.#delete(name));
  }

  /**
   * `rollout undo`: apply again the spec and model of an earlier revision — by default the
   * newest one before the serving revision, else revision number `toRevision`. It becomes a
   * new revision (revisions are immutable) and goes out as the spec says: rolled out when the
   * spec has a rollout section (superseding an active rollout), else replacing the current
   * one once ready. The model is taken from the content-addressed copy kept at its first
   * apply, so the original spec file and model need not exist any more.
   */
  undo(name: string, toRevision?: number): Promise<ApplyOutcome> {
    return this.#serialize(() => {
      const deployment = this.#store.getDeployment(name);
      const revisions = this.#store.listRevisions(name);
      const serving = revisions.find((r) => r.id === deployment.servingRevision);
      const target =
        toRevision === undefined
          ? revisions.filter((r) => r.number < (serving?.number ?? Infinity) && r.modelDigest + JSON.stringify(r.spec) !== (serving ? serving.modelDigest + JSON.stringify(serving.spec) : '')).at(-1)
          : revisions.find((r) => r.number === toRevision);
      if (target === undefined) {
        throw new InvalidRequestError(
          toRevision === undefined
            ? `${name} has no revision before ${deployment.servingRevision} to go back to`
            : `${name} has no revision ${toRevision} (revisions: ${revisions.map((r) => r.number).join(', ')})`,
        );
      }
      if (target.id === deployment.servingRevision) throw new InvalidRequestError(`${target.id} is already the serving revision of ${name}`);
      const spec = structuredClone(target.spec) as { spec?: { model?: Record<string, unknown> } };
      if (spec.spec?.model) {
        spec.spec.model.uri = target.modelPath;
        spec.spec.model.sha256 = target.modelDigest;
      }
      return this.#apply({ specText: JSON.stringify(spec) });
    });
  }

  async #apply(req: ApplyRequest): Promise<ApplyOutcome> {
    const parsed = parseDeploymentSpec(req.specText, req.specPath);
    if (!parsed.ok) {
      this.#store.recordEvent({ type: 'apply.rejected', message: `invalid spec: ${parsed.issues.length} problem(s)`, data: { issues: parsed.issues } });
      throw new InvalidSpecError(parsed.issues, `invalid spec${req.specPath ? ` ${req.specPath}` : ''}:\n${formatSpecIssues(parsed.issues)}`);
    }
    const spec = parsed.spec;
    const name = spec.metadata.name;
    const owner = this.#gateway.routes.model(spec.spec.model.name);
    if (owner && owner.deployment !== name) {
      throw new ConflictError(`model name "${spec.spec.model.name}" is already served by deployment "${owner.deployment}"; model names are unique across deployments`);
    }
    const current = this.#tryDeployment(name);
    if (current) {
      const servedAs = this.#specOf(this.#store.getRevision(current.activeRevision)).spec.model.name;
      if (servedAs !== spec.spec.model.name) {
        throw new ConflictError(
          `spec.model.name = "${spec.spec.model.name}", but deployment "${name}" serves model "${servedAs}"; a deployment keeps its model name (delete it first to rename)`,
        );
      }
    }
    const specDir = req.specPath ? dirname(resolve(req.specPath)) : process.cwd();
    let model;
    try {
      model = await checkAndKeepModel({ uri: spec.spec.model.uri, specDir, ...(spec.spec.model.sha256 !== undefined && { sha256: spec.spec.model.sha256 }), storeDir: this.#modelDir });
    } catch (err) {
      if (err instanceof ModelArtifactError) {
        this.#store.recordEvent({ type: 'apply.rejected', deployment: name, message: err.message });
      }
      throw err;
    }
    const previous = this.#tryDeployment(name);
    const desired = this.#desiredReplicas(spec, previous);
    if (this.#store.listDeployments().some((d) => d.name !== name && this.#specOf(this.#store.getRevision(d.activeRevision)).spec.model.name === spec.spec.model.name)) {
      throw new ConflictError(`model name "${spec.spec.model.name}" is already served by another deployment; model names are unique across deployments`);
    }
    const result = this.#store.applyRevision({
      deployment: name,
      spec: parsed.raw,
      modelDigest: model.sha256,
      modelPath: model.storedPath,
      desiredReplicas: desired,
    });
    if (result.changed) {
      const stable = previous?.servingRevision;
      if (this.#rollouts && stable !== undefined && stable !== result.revision.id && writesRollout(parsed.raw)) {
        // A progressive rollout: the new revision starts with no replicas and no traffic;
        // the rollout controller scales it before each weight step and promotes or rolls back.
        this.#pending.delete(name);
        await this.#start(result.revision, spec, model.signature, 0);
        this.#rollouts.begin(name, stable, result.revision.id, spec.spec.rollout);
      } else {
        await this.#start(result.revision, spec, model.signature, desired);
        this.#switchWhenReady(name, result.revision.id, previous?.activeRevision);
      }
    }
    return { changed: result.changed, deployment: result.deployment, revision: result.revision, warnings: parsed.warnings };
  }

  async #scale(name: string, replicas: number): Promise<Deployment> {
    const deployment = this.#store.getDeployment(name);
    const spec = this.#specOf(this.#store.getRevision(deployment.activeRevision));
    const { minReplicas, maxReplicas } = spec.spec.scaling;
    if (!Number.isInteger(replicas) || replicas < minReplicas || replicas > maxReplicas) {
      throw new InvalidRequestError(`replicas = ${replicas}, must be a whole number within spec.scaling [minReplicas ${minReplicas}, maxReplicas ${maxReplicas}]`);
    }
    const result = this.#store.setDesiredReplicas(name, replicas, 'manual scale');
    // During a rollout the desired count is the load's need, which the rollout controller splits.
    if (this.#rollouts?.active(name)) return result.deployment;
    const live = this.#pending.get(name) ?? deployment.activeRevision;
    await this.#target.scale(live, replicas);
    // A pending revision may now have all the replicas it needs (scaled down to what is
    // ready): no replica.ready event would come to finish the switch, so check here.
    await this.#maybeSwitch(name);
    return result.deployment;
  }

  async #delete(name: string): Promise<Deployment> {
    const deployment = this.#store.getDeployment(name);
    const result = this.#store.deleteDeployment(name);
    if (!result.changed) return result.deployment; // already deleted: nothing runs for it
    const route = this.#gateway.routes.model(this.#specOf(this.#store.getRevision(deployment.activeRevision)).spec.model.name);
    // The model name may be served by another deployment by now; only ours is stopped.
    const revisions = route?.deployment === name ? route.revisions : undefined;
    this.#pending.delete(name);
    for (const id of revisions?.keys() ?? []) {
      await this.#target.retire(id);
      this.#gateway.routes.removeRevision(id);
    }
    return result.deployment;
  }

  list(): Deployment[] {
    return this.#store.listDeployments();
  }

  listRevisions(deployment?: string): Revision[] {
    if (deployment !== undefined) this.#store.getDeployment(deployment);
    return this.#store.listRevisions(deployment);
  }

  events(query: EventQuery): StoreEvent[] {
    return this.#store.listEvents(query);
  }

  async describe(name: string): Promise<DeploymentView> {
    const deployment = this.#store.getDeployment(name);
    const spec = this.#specOf(this.#store.getRevision(deployment.activeRevision));
    const route = this.#gateway.routes.model(spec.spec.model.name);
    const traffic = [...(route?.revisions.values() ?? [])].map((r) => ({
      revision: r.spec.revisionId,
      weight: r.weight,
      ready: r.replicas.readyCount,
      inFlight: r.replicas.inFlight,
      queued: r.replicas.queueLength,
    }));
    const live = new Set(traffic.map((t) => t.revision));
    const replicas = (await this.#target.status()).filter((r) => live.has(r.revisionId));
    return {
      deployment,
      spec,
      revisions: this.#store.listRevisions(name),
      traffic,
      replicas,
      events: this.#store.listEvents({ deployment: name, limit: 20 }),
    };
  }

  /** Called for every target event: log it, and finish pending revision switches. */
  onTargetEvent(event: TargetEvent): void {
    const deployment = this.#revisionDeployment.get(event.revisionId);
    this.#store.recordEvent({
      type: event.type,
      message: `${event.replicaId}: ${event.message}`,
      ...(deployment !== undefined && { deployment }),
      revision: event.revisionId,
      data: { replica: event.replicaId, ...event.data },
    });
    if (event.type === 'replica.ready' && deployment !== undefined) void this.#maybeSwitch(deployment);
  }

  async close(): Promise<void> {
    await this.#target.close();
  }

  #tryDeployment(name: string): Deployment | undefined {
    return this.#store.listDeployments().find((d) => d.name === name);
  }

  #specOf(revision: Revision): ModelDeployment {
    const checked = validateDeploymentObject(revision.spec);
    if (!checked.ok) throw new Error(`stored spec of ${revision.id} no longer validates:\n${formatSpecIssues(checked.issues)}`);
    return checked.spec;
  }

  /**
   * First apply: the spec's replicas. Re-apply: keep the current count (it may have been
   * scaled since), unless the spec's own `replicas` changed; clamp to the new bounds.
   */
  #desiredReplicas(spec: ModelDeployment, previous: Deployment | undefined): number {
    const { replicas, minReplicas, maxReplicas } = spec.spec.scaling;
    if (!previous) return replicas;
    const before = this.#specOf(this.#store.getRevision(previous.activeRevision)).spec.scaling.replicas;
    const wanted = before !== replicas ? replicas : previous.desiredReplicas;
    return Math.min(maxReplicas, Math.max(minReplicas, wanted));
  }

  async #start(revision: Revision, spec: ModelDeployment, signature: ModelSignature, replicas: number): Promise<void> {
    const { model, serving } = spec.spec;
    this.#revisionDeployment.set(revision.id, revision.deployment);
    this.#gateway.routes.upsertRevision({
      deployment: revision.deployment,
      revisionId: revision.id,
      modelName: model.name,
      modelVersion: model.version,
      signature,
      limits: admissionLimits(serving),
      timeoutMs: serving.timeoutMs,
      maxBodyBytes: serving.maxBodyBytes,
    });
    const runtime: RevisionRuntime = {
      revisionId: revision.id,
      deployment: revision.deployment,
      modelName: model.name,
      modelVersion: model.version,
      modelPath: revision.modelPath,
      maxConcurrency: serving.maxConcurrency,
      maxBodyBytes: serving.maxBodyBytes,
      intraOpThreads: serving.intraOpThreads,
      allowNonFinite: model.allowNonFinite,
    };
    await this.#target.ensure(runtime);
    await this.#target.scale(revision.id, replicas);
  }

  #switchWhenReady(deployment: string, to: RevisionId, from: RevisionId | undefined): void {
    if (from === undefined || from === to) {
      this.#gateway.routes.setWeights(deployment, new Map([[to, 100]]));
      return;
    }
    this.#pending.set(deployment, to);
    void this.#maybeSwitch(deployment);
  }

  async #maybeSwitch(deployment: string): Promise<void> {
    const to = this.#pending.get(deployment);
    if (to === undefined) return;
    const desired = this.#tryDeployment(deployment)?.desiredReplicas ?? 0;
    const ready = (await this.#target.status()).filter((r) => r.revisionId === to && r.phase === 'ready').length;
    if (ready < desired || this.#pending.get(deployment) !== to) return;
    this.#pending.delete(deployment);
    const route = this.#gateway.routes.revision(to);
    const modelRoute = route && this.#gateway.routes.model(route.spec.modelName);
    const older = [...(modelRoute?.revisions.keys() ?? [])].filter((id) => id !== to);
    this.#gateway.routes.setWeights(deployment, new Map([[to, 100]]));
    try {
      this.#store.promoteRevision(deployment, to, `${to} takes all traffic (${ready} ready replicas)${older.length ? `; retiring ${older.join(', ')}` : ''}`, { ready, retiring: older });
    } catch (err) {
      // Deleted meanwhile: the delete stops its revisions; nothing to promote.
      if (err instanceof NotFoundError) return;
      throw err;
    }
    for (const id of older) {
      await this.#target.retire(id);
      this.#gateway.routes.removeRevision(id);
    }
  }
}

