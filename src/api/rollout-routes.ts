// The admin API's rollout routes (contract: rollout-views.ts). Thin: the command name is
// checked here, the rollout controller does the rest; its "no active rollout" error is a 409
// (the request is fine, the deployment's state does not allow it).

import type { FastifyInstance } from 'fastify';
import { InvalidRequestError } from '../controller/errors.js';
import type { RolloutCommand } from '../rollout/index.js';
import { ROLLOUT_COMMANDS, type RolloutView } from './rollout-views.js';

/** What the routes need from the rollout controller. */
export interface RolloutOperations {
  /** The active rollout of the deployment, else its latest; throws NotFoundError when it never had one. */
  view(deployment: string): RolloutView;
  /** Queues a command for the active rollout; throws ConflictError when there is none. */
  command(deployment: string, command: RolloutCommand): Promise<RolloutView>;
}

export function registerRolloutRoutes(app: FastifyInstance, rollouts: RolloutOperations): void {
  app.get<{ Params: { name: string } }>('/api/v1/deployments/:name/rollout', (req): RolloutView => rollouts.view(req.params.name));

  app.post<{ Params: { name: string; command: string } }>('/api/v1/deployments/:name/rollout/:command', async (req): Promise<RolloutView> => {
    const command = ROLLOUT_COMMANDS[req.params.command];
    if (command === undefined) {
      throw new InvalidRequestError(`unknown rollout command "${req.params.command}"; one of: ${Object.keys(ROLLOUT_COMMANDS).join(', ')}`);
    }
    return rollouts.command(req.params.name, command);
  });
}
