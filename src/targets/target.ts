// Where replicas run. The control plane talks to every target (local processes today,
// Kubernetes and AWS later) through this one narrow interface (ARCHITECTURE.md).

import type { Millis, RevisionId } from '../spec/units.js';

/** What a target needs to run replicas of one revision. */
export interface RevisionRuntime {
  revisionId: RevisionId;
  deployment: string;
  modelName: string;
  modelVersion: string;
  /** Absolute path of the content-addressed copy of the model taken at apply time. */
  modelPath: string;
  maxConcurrency: number;
  maxBodyBytes: number;
  intraOpThreads: number;
  allowNonFinite: boolean;
}

export type ReplicaPhase = 'starting' | 'ready' | 'draining' | 'failed' | 'backoff';

export interface ReplicaStatus {
  replicaId: string;
  revisionId: RevisionId;
  phase: ReplicaPhase;
  pid?: number;
  port?: number;
  startedAt: Millis;
  readyAt?: Millis;
  /** Measured start-to-ready time (process start, model load, warm-up inference). */
  warmUpMs?: number;
  restarts: number;
  lastError?: string;
}

export interface Target {
  ensure(revision: RevisionRuntime): Promise<void>;
  scale(revisionId: RevisionId, replicas: number): Promise<void>;
  /** Drain, then stop every replica of the revision, and forget it. */
  retire(revisionId: RevisionId): Promise<void>;
  status(): Promise<ReplicaStatus[]>;
  /** Stop everything (control plane shutdown); replicas are drained first. */
  close(): Promise<void>;
}

export interface ReplicaEndpointInfo {
  replicaId: string;
  host: string;
  port: number;
  /** The worker's frame-channel port, when it has one (the gateway prefers it over HTTP). */
  framePort?: number;
}

/** The gateway side of a target: who to send traffic to. */
export interface ReplicaSink {
  replicaReady(revisionId: RevisionId, endpoint: ReplicaEndpointInfo): void;
  /** Stop routing new requests to the replica; resolves when its in-flight ones are done. */
  replicaDraining(revisionId: RevisionId, replicaId: string): Promise<void>;
  replicaGone(revisionId: RevisionId, replicaId: string): void;
}

/** Things a target reports for the event log. */
export interface TargetEvent {
  type: 'replica.ready' | 'replica.crashed' | 'replica.failed' | 'replica.stopped' | 'replica.restarting';
  revisionId: RevisionId;
  replicaId: string;
  message: string;
  data?: Record<string, unknown>;
}
