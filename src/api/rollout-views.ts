// What the admin API answers about rollouts (issue 5), shared by the server and the CLI.
//
// Routes (GETs need no token, POSTs do):
//   GET  /api/v1/deployments/:name/rollout                → RolloutView (the active rollout, else the latest)
//   POST /api/v1/deployments/:name/rollout/:command       → RolloutView after the command was queued
//        command: promote | promote-full | pause | resume | abort  (409 without an active rollout)

import type { RolloutCommand, RolloutStatus } from '../rollout/index.js';

/** `rollout status NAME --json`: the machine's computed status plus which rollout it is. */
export interface RolloutView extends RolloutStatus {
  id: number;
  deployment: string;
  stable: string;
  canary: string;
  /** False once the rollout has finished (Succeeded or RolledBack). */
  active: boolean;
  createdAt: number;
  updatedAt: number;
}

/** URL form of each command (kebab-case in URLs, camelCase in the state machine). */
export const ROLLOUT_COMMANDS: Readonly<Record<string, RolloutCommand>> = {
  promote: 'promote',
  'promote-full': 'promoteFull',
  pause: 'pause',
  resume: 'resume',
  abort: 'abort',
};
