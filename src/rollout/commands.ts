// The user's commands (`rollcast rollout promote [--full] | pause | resume | abort`), as
// changes to the state. They take effect in the advance that receives them; the step logic
// then runs as usual, so a command never bypasses a capacity rule:
// - pause: the steps stop where they are (weights, replicas and analyses keep running, and
//   a failing analysis still rolls back). A timed pause does not run out while paused: on
//   resume its clock is moved on by the time spent paused.
// - resume: undoes pause.
// - promote: resumes, and completes the current step if it is a pause or an analysis (a
//   human accepting a hold or a failed analysis with autoRollback off). Weight, mirror and
//   scale steps still wait for the replicas they need.
// - promoteFull: resumes and skips every remaining step; the finish (all traffic to the new
//   revision once it is ready for it, then promote) still applies.
// - abort: rolls back (rollback.ts).
// A command is identified by its kind and the instant it arrives: the same command at the
// same `now` is applied once, so repeating an advance with the same input repeats nothing.
// Commands on a rollout that is rolling back are ignored, except abort (already in force).

import { assertNever, millis } from '../spec/units.js';
import type { RolloutCommand, Tick } from './tick.js';

export function applyCommand(tick: Tick, command: RolloutCommand | undefined): void {
  if (command === undefined) return;
  const s = tick.state;
  if (s.lastCommand !== null && s.lastCommand.command === command && s.lastCommand.at === tick.now) return;
  tick.update({ lastCommand: { command, at: tick.now } });
  if (s.abort !== null) return;
  switch (command) {
    case 'pause':
      if (s.pausedAt === null) {
        tick.update({ pausedAt: tick.now });
        tick.log('Paused', `paused by the user at ${tick.stepLabel()}`);
      }
      return;
    case 'resume':
      resume(tick);
      return;
    case 'promote': {
      resume(tick);
      const i = tick.state.stepIndex;
      const step = tick.state.steps[i];
      if (step?.kind === 'pause' || step?.kind === 'analysis') {
        tick.log('StepSkipped', `${tick.stepLabel(i)} promoted by the user`, i);
        tick.enterStep(i + 1);
      }
      return;
    }
    case 'promoteFull': {
      resume(tick);
      const from = tick.state.stepIndex;
      if (from < tick.state.steps.length) {
        tick.log('StepSkipped', `steps ${from + 1}..${tick.state.steps.length} skipped by promote --full`, from);
        tick.enterStep(tick.state.steps.length);
      }
      return;
    }
    case 'abort':
      tick.update({ abort: { reason: 'aborted by the user', cause: 'command', at: tick.now, announced: false } });
      return;
    default:
      assertNever(command, 'command');
  }
}

function resume(tick: Tick): void {
  const s = tick.state;
  if (s.pausedAt === null) return;
  const paused = tick.now - s.pausedAt;
  tick.update({ pausedAt: null, stepStartedAt: s.stepStartedAt === null ? null : millis(s.stepStartedAt + paused) });
  tick.log('Resumed', `resumed after ${Math.round(paused / 1000)} s paused`);
}
