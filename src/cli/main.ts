#!/usr/bin/env node
// `rollcast` — the command line. Thin by design: each command parses its flags, calls the
// admin API (or, for `up`, starts the control plane) and prints. Commands are imported
// lazily so `rollcast get deployments` does not load ONNX Runtime. This file is the one
// error boundary: it prints `rollcast: <message>` and sets the exit code.

import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { ApiClient, DEFAULT_URL, findToken } from './client.js';
import { CliError } from './errors.js';
// A type only (erased): the command itself is still imported lazily below.
import type { ForecastOptions } from './commands/forecast.js';
import type { BacktestFlags } from './commands/backtest.js';
import type { ExplainOptions } from './commands/explain.js';
import type { ImportHistoryOptions } from './commands/import-history.js';
import type { LoadOptions } from './commands/load.js';

const DEFAULT_DATA_DIR = './.rollcast';

function int(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n)) throw new InvalidArgumentError(`${name} must be a whole number, got "${value}"`);
    return n;
  };
}

function positive(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive number, got "${value}"`);
    return n;
  };
}

interface GlobalOpts {
  url?: string;
  dataDir: string;
}

function client(program: Command): ApiClient {
  const opts = program.opts<GlobalOpts>();
  const url = opts.url ?? process.env.ROLLCAST_URL ?? DEFAULT_URL;
  const token = findToken(process.env, opts.dataDir);
  return new ApiClient({ url, ...(token !== undefined && { token }) });
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('rollcast')
    .description('ML model rollouts with predictive scaling: serve ONNX models, scale ahead of load, roll out safely.')
    .option('--url <url>', `control plane URL (env ROLLCAST_URL, default ${DEFAULT_URL})`)
    .option('--data-dir <dir>', 'data directory (state, models, admin token)', DEFAULT_DATA_DIR)
    .showHelpAfterError()
    .exitOverride();

  program
    .command('up')
    .description('start the control plane (gateway, admin API, metrics) in the foreground; with no spec, applies the demo')
    .option('-f, --file <spec...>', 'spec file(s) to apply at start')
    .option('--port <port>', 'port for gateway, admin API and metrics', int('--port'), 8080)
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--no-demo', 'do not apply the demo deployment when nothing is deployed')
    .option('--speedup <k>', "demo: run the autoscaler's clock K times faster than real time (pair with `load --trace --speedup K`)", positive('--speedup'))
    .option('--no-autoscale', 'do not run the autoscaler: replica counts change only with `rollcast scale`')
    .action(async (o: { file?: string[]; port: number; host: string; demo: boolean; speedup?: number; autoscale: boolean }) => {
      const { up } = await import('./commands/up.js');
      await up({ ...o, dataDir: program.opts<GlobalOpts>().dataDir });
    });

  program
    .command('apply')
    .description('apply a ModelDeployment spec (creates a new revision when the spec or model changed)')
    .requiredOption('-f, --file <spec>', 'the spec file (YAML or JSON)')
    .option('--json', 'print JSON')
    .action(async (o: { file: string; json?: boolean }) => {
      const { apply } = await import('./commands/apply.js');
      await apply(client(program), o);
    });

  program
    .command('get')
    .description('list deployments or revisions')
    .argument('<what>', 'deployments | revisions')
    .option('-d, --deployment <name>', 'only revisions of this deployment')
    .option('--json', 'print JSON')
    .action(async (what: string, o: { deployment?: string; json?: boolean }) => {
      const { get } = await import('./commands/get.js');
      await get(client(program), what, o);
    });

  program
    .command('describe')
    .description('show a deployment: spec, revisions, traffic, replicas (with warm-up times), recent events')
    .argument('<kind>', 'deployment')
    .argument('<name>')
    .option('--json', 'print JSON')
    .action(async (kind: string, name: string, o: { json?: boolean }) => {
      const { describe } = await import('./commands/describe.js');
      await describe(client(program), kind, name, o);
    });

  program
    .command('scale')
    .description('set the number of replicas of a deployment (manual, until the autoscaler runs)')
    .argument('<name>')
    .requiredOption('--replicas <n>', 'replica count', int('--replicas'))
    .action(async (name: string, o: { replicas: number }) => {
      const { scale } = await import('./commands/scale.js');
      await scale(client(program), name, o.replicas);
    });

  program
    .command('delete')
    .description('delete a deployment (drains and stops its replicas; history is kept)')
    .argument('<kind>', 'deployment')
    .argument('<name>')
    .action(async (kind: string, name: string) => {
      const { remove } = await import('./commands/delete.js');
      await remove(client(program), kind, name);
    });

  program
    .command('infer')
    .description('send one inference request through the gateway')
    .argument('<name>', 'deployment name')
    .requiredOption('--data <json>', 'an OIP request body, or just the values for a one-input model (e.g. "[[39.1,18.7,181,3750]]"); @file reads a file')
    .option('--model-version <v>', 'pin a model version')
    .option('--json', 'print the raw response')
    .action(async (name: string, o: { data: string; modelVersion?: string; json?: boolean }) => {
      const { infer } = await import('./commands/infer.js');
      await infer(client(program), name, o);
    });

  program
    .command('events')
    .description('show the event log (newest last)')
    .option('-d, --deployment <name>', 'only this deployment')
    .option('--limit <n>', 'how many', int('--limit'), 50)
    .option('--json', 'print JSON')
    .action(async (o: { deployment?: string; limit: number; json?: boolean }) => {
      const { events } = await import('./commands/events.js');
      await events(client(program), o);
    });

  program
    .command('load')
    .description(
      'send a bounded load of random valid requests (built from the model signature): a fixed rate (--rps), or a trace replayed in step with the controller clock (--trace); reports rate, errors and latency',
    )
    .argument('<name>', 'deployment name')
    .option('--rps <r>', 'a fixed rate: requests per second (with --duration)', positive('--rps'))
    .option('--trace <file>', 'replay a timestamp,value CSV trace from where the controller clock is in it (after `import history`); the rate is value × --scale req/s')
    .option('--speedup <k>', 'with --trace: trace time runs K times faster than real time; must match `rollcast up --speedup K`', positive('--speedup'))
    .option('--scale <f>', 'with --trace: multiply the trace values (as in `import history --scale`)', positive('--scale'))
    .option('--from <time>', 'with --trace: start at this trace time (ISO-8601 or epoch) instead of the controller clock')
    .option('--duration <d>', 'how long in real time, e.g. 30s or 2m (--rps: required, at most 10m; --trace: at most and by default 30m)')
    .option('--connections <n>', 'concurrent connections; with --trace also the in-flight bound (default 16 with --rps, 64 with --trace)', int('--connections'))
    .option('--seed <n>', 'seed for the random inputs', int('--seed'), 1)
    .option('--json', 'print JSON')
    .action(async (name: string, o: LoadOptions) => {
      const { load } = await import('./commands/load.js');
      await load(client(program), name, o);
    });

  program
    .command('forecast')
    .description(
      "show a deployment's live forecast (NAME), or forecast from a file, offline: a timestamp,value trace (--trace) or every series of an M4-layout file (--m4)",
    )
    .argument('[name]', 'a deployment: show the forecast the controller made for it, after its recent load history')
    .option('--trace <file>', 'a timestamp,value CSV load trace')
    .option('--until <timestamp>', 'with --trace: use the history up to this instant (inclusive; ISO-8601 or epoch)')
    .option('--horizon <h>', 'how far ahead: a duration with --trace (1d, 48h, 30m); a number of steps with --m4 (48); with NAME, how much of the stored forecast to show')
    .option('--quantiles <list>', 'with --trace: quantile levels in (0, 1), comma separated (default 0.5,0.9,0.95,0.99)')
    .option('--json', 'with --trace or NAME: print the forecast as JSON')
    .option('--m4 <file>', 'an M4-layout CSV (id, then values); forecasts every row')
    .option('--season <n>', 'with --m4: steps per day (24 for hourly series)')
    .option('--out <file>', 'with --m4: where to write the id,F1..Fh CSV')
    .option('--skip-insufficient', 'with --m4: leave out series with too little history instead of failing')
    .action(async (name: string | undefined, o: ForecastOptions) => {
      const { forecastCommand } = await import('./commands/forecast.js');
      await forecastCommand(o, name, client(program));
    });

  program
    .command('explain')
    .description("show a deployment's recent scaling decisions (oldest first) with every reason and its numbers")
    .argument('<name>', 'deployment name')
    .option('--limit <n>', 'how many of the latest decisions (1 to 1000)', int('--limit'), 20)
    .option('--changed', 'only decisions that changed the replica count')
    .option('--json', 'print JSON')
    .action(async (name: string, o: ExplainOptions) => {
      const { explain } = await import('./commands/explain.js');
      await explain(client(program), name, o);
    });

  const importGroup = program.command('import').description('bring data into the control plane');
  importGroup
    .command('history')
    .description("seed a deployment's load history (what the forecast learns from) with a timestamp,value trace, shifted by whole days to end within the last day of the controller's now")
    .argument('<name>', 'deployment name')
    .requiredOption('--csv <file>', "a timestamp,value CSV, values in the scaling metric's unit (req/s for rps)")
    .option('--until <time>', 'import the points up to this instant (inclusive; ISO-8601 or epoch), leaving the rest to replay with `load --trace`')
    .option('--scale <f>', 'multiply the values (e.g. 0.016666 turns per-minute counts into req/s)', positive('--scale'))
    .option('--no-align', 'send the timestamps as they are (the server refuses points after its now)')
    .option('--json', 'print JSON')
    .action(async (name: string, o: ImportHistoryOptions) => {
      const { importHistory } = await import('./commands/import-history.js');
      await importHistory(client(program), name, o);
    });

  const rolloutGroup = program.command('rollout').description("a deployment's progressive rollout: status and commands");
  rolloutGroup
    .command('status')
    .description('phase and why, the plan with the current step, weights, and every analysis verdict with its numbers')
    .argument('<name>', 'deployment name')
    .option('--json', 'print JSON: { phase, reason, step, weights, verdicts, … }')
    .action(async (name: string, o: { json?: boolean }) => {
      const { rolloutStatus } = await import('./commands/rollout.js');
      await rolloutStatus(client(program), name, o);
    });
  rolloutGroup
    .command('undo')
    .description("go back to an earlier revision: its spec and model applied again as a new revision (rolled out if its spec has a rollout section)")
    .argument('<name>', 'deployment name')
    .option('--to-revision <n>', 'the revision number to go back to (default: the one before the serving revision)', int('--to-revision'))
    .option('--json', 'print JSON')
    .action(async (name: string, o: { toRevision?: number; json?: boolean }) => {
      const { rolloutUndo } = await import('./commands/rollout.js');
      await rolloutUndo(client(program), name, o);
    });
  for (const [command, description] of [
    ['promote', 'complete the current pause or analysis step (--full: skip to all traffic on the new revision)'],
    ['pause', 'hold the rollout at its current step'],
    ['resume', 'continue a paused rollout'],
    ['abort', 'roll back: all traffic to the stable revision, the new one scaled to 0'],
  ] as const) {
    const sub = rolloutGroup.command(command).description(description).argument('<name>', 'deployment name').option('--json', 'print JSON');
    if (command === 'promote') sub.option('--full', 'promote to 100 % at once');
    sub.action(async (name: string, o: { full?: boolean; json?: boolean }) => {
      const { rolloutCommand } = await import('./commands/rollout.js');
      await rolloutCommand(client(program), name, command, o);
    });
  }

  program
    .command('backtest')
    .description('replay a load trace against scaling policies, offline: cost, unserved load and the SPEC RG elasticity metrics per policy')
    .requiredOption('--trace <file>', 'a timestamp,value CSV load trace (counts per step)')
    .requiredOption('--warmup <d>', 'time from starting a replica to it serving, e.g. 2m')
    .option('--per-replica <rps>', "a replica's full capacity in requests per second (default: derived so the evaluation window's p99 needs 20 replicas)")
    .option('--policies <list>', 'comma separated: hybrid, predictive, reactive, aws-like, knative-like, oracle (default all)')
    .option('--eval-days <n>', 'days scored at the end of the trace; earlier data is history (default 7)')
    .option('--json', 'print the results as JSON (shares as fractions)')
    .option('--chart <file.html>', "write a self-contained HTML chart (uPlot inlined, works offline) of the evaluation window: demand in replicas and each chosen policy's ready replicas")
    .action(async (o: BacktestFlags) => {
      const { backtestCommand } = await import('./commands/backtest.js');
      await backtestCommand(o);
    });

  return program;
}

// `rollcast get deployments | head -1`: a reader that stops early is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander already printed the problem (and help after errors); keep its exit code.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof CliError) {
      process.stderr.write(`rollcast: ${err.message}\n`);
      return err.exitCode;
    }
    process.stderr.write(`rollcast: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}

const code = await main(process.argv);
process.exitCode = code;
