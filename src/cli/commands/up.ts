// `rollcast up`: run the control plane in the foreground until Ctrl-C / SIGTERM, then
// drain and stop every replica. With no spec and nothing deployed, applies the demo.

import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRollcast } from '../../controller/start.js';
import { CliError } from '../errors.js';

export interface UpOptions {
  file?: string[];
  port: number;
  host: string;
  demo: boolean;
  dataDir: string;
  /** Demo mode: the controller clock runs this many times faster (default 1). */
  speedup?: number;
  /** `--no-autoscale`: replica counts change only by `rollcast scale`. */
  autoscale?: boolean;
}

/** How long a controller day takes in real time: 144 → "10 min". */
function formatRealDay(speedup: number): string {
  const minutes = (24 * 60) / speedup;
  return minutes >= 1 ? `${Math.round(minutes * 10) / 10} min` : `${Math.round(minutes * 600) / 10} s`;
}

/** examples/penguins.yaml, found from the compiled file (dist/src/cli/commands/up.js). */
export function demoSpecPath(): string {
  const up = import.meta.url.endsWith('.ts') ? '../../../examples/penguins.yaml' : '../../../../examples/penguins.yaml';
  return fileURLToPath(new URL(up, import.meta.url));
}

export async function up(o: UpOptions): Promise<void> {
  const speedup = o.speedup ?? 1;
  if (!Number.isFinite(speedup) || speedup < 1 || speedup > 10_000) throw new CliError(`--speedup ${o.speedup} must be a number from 1 to 10000`, 2);
  const rc = await startRollcast({
    dataDir: o.dataDir,
    host: o.host,
    port: o.port,
    processMetrics: true,
    speedup,
    autoscale: o.autoscale ?? true,
    ...(process.env.ROLLCAST_ADMIN_TOKEN && { adminToken: process.env.ROLLCAST_ADMIN_TOKEN }),
  }).catch(
    (err: unknown) => {
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'EADDRINUSE') throw new CliError(`port ${o.port} on ${o.host} is already in use; pick another with --port`);
      throw new CliError((err as Error).message);
    },
  );
  const log = (line: string) => process.stdout.write(`${line}\n`);
  log(`rollcast ${rc.url}  (data: ${rc.dataDir})`);
  log(`  inference  ${rc.url}/v2/models/{name}/infer`);
  log(`  admin API  ${rc.url}/api/v1/deployments`);
  log(`  metrics    ${rc.url}/metrics`);
  if (speedup !== 1) log(`  demo clock: the autoscaler's time runs ${speedup}× faster than real time (a day every ${formatRealDay(speedup)}); use \`rollcast load NAME --trace FILE --speedup ${speedup}\``);
  if (o.autoscale === false) log('  autoscaling off (--no-autoscale): replica counts change only with `rollcast scale`');
  log(rc.token.source === 'env' ? '  admin token: from ROLLCAST_ADMIN_TOKEN' : `  admin token: stored in ${rc.token.source} (owner-only); the CLI reads it from there`);

  const files = o.file ?? (o.demo && rc.controlPlane.list().length === 0 ? [demoSpecPath()] : []);
  for (const file of files) {
    const path = resolve(file);
    try {
      const outcome = await rc.controlPlane.apply({ specText: await readFile(path, 'utf8'), specPath: path });
      log(`applied ${path}: ${outcome.deployment.name} ${outcome.changed ? `→ ${outcome.revision.id}` : '(unchanged)'}, ${outcome.deployment.desiredReplicas} replicas starting`);
    } catch (err) {
      await rc.close();
      throw new CliError(`could not apply ${path}: ${(err as Error).message}`);
    }
  }
  if (files.length > 0 && files[0] === demoSpecPath()) {
    log('');
    log('demo: the penguin-species classifier. Try:');
    log(`  curl -s ${rc.url}/v2/models/penguins/infer -d '{"inputs":[{"name":"features","shape":[1,4],"datatype":"FP32","data":[39.1,18.7,181,3750]}]}'`);
    log('  npx rollcast describe deployment penguins');
  }
  for (const failure of rc.restoreFailures) log(`warning: ${failure}`);
  log('press Ctrl-C to stop');

  await new Promise<void>((done) => {
    const stop = (signal: string) => {
      log(`\n${signal}: draining replicas and stopping…`);
      rc.close().then(done, (err: unknown) => {
        process.stderr.write(`rollcast: error while stopping: ${(err as Error).message}\n`);
        done();
      });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}
