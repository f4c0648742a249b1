// Runs nginx as a child process of the benchmark: config in a fresh temp dir (the `-p`
// prefix), `daemon off` so the master stays our child, stopped with SIGQUIT (graceful) at
// the end and the temp dir removed. The system nginx, if any, is not touched.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childPids, exited, freePort, onStopped, register, stopChild } from './children.js';
import { renderNginxConfig } from './nginx-config.js';

export interface RunningNginx {
  port: number;
  pid: number;
  version: string;
  /** The master and its worker processes (their CPU is the proxy's CPU). */
  pids(): number[];
  stop(): Promise<void>;
}

/** The nginx binary: on PATH, else Debian's /usr/sbin/nginx (not on a non-root PATH). */
export function findNginx(): string | undefined {
  for (const candidate of ['nginx', '/usr/sbin/nginx', '/usr/local/sbin/nginx']) {
    const probe = spawnSync(candidate, ['-v'], { encoding: 'utf8' });
    if (probe.status === 0) return candidate;
  }
  return undefined;
}

export function nginxVersion(binary: string): string {
  const probe = spawnSync(binary, ['-v'], { encoding: 'utf8' });
  return `${probe.stderr}${probe.stdout}`.trim().replace(/^nginx version:\s*/, '');
}

export async function startNginx(opts: { upstreamPorts: readonly number[]; workerProcesses: number | 'auto'; keepalive: number }): Promise<RunningNginx> {
  const binary = findNginx();
  if (!binary) throw new Error('nginx not found: run `bash bench/serving/setup.sh` first (it apt-get installs the Debian package)');
  const prefix = await mkdtemp(join(tmpdir(), 'rollcast-bench-nginx-'));
  const removePrefix = () => rm(prefix, { recursive: true, force: true });
  onStopped(removePrefix);
  let child: ChildProcess | undefined;
  try {
    const port = await freePort();
    const confPath = join(prefix, 'nginx.conf');
    await writeFile(confPath, renderNginxConfig({ prefix, listenPort: port, ...opts }));
    // -e: the error log before the config is read (default is under /var/log/nginx).
    child = spawn(binary, ['-p', prefix, '-c', confPath, '-e', join(prefix, 'error.log')], { stdio: ['ignore', 'ignore', 'inherit'] });
    const started = child;
    register('nginx', started, (c) => c.kill('SIGQUIT'));
    const early = exited(started).then(async () => {
      const log = existsSync(join(prefix, 'error.log')) ? await readFile(join(prefix, 'error.log'), 'utf8') : '';
      throw new Error(`nginx exited at start (code ${started.exitCode ?? '?'}, ${started.signalCode ?? 'no signal'}):\n${log.slice(-2000)}`);
    });
    await Promise.race([waitForPort(port, 10_000), early]);
    early.catch(() => undefined); // later exits are stop()'s business
    const pid = started.pid ?? 0;
    return {
      port,
      pid,
      version: nginxVersion(binary),
      pids: () => [pid, ...childPids(pid)],
      stop: async () => {
        await stopChild(started, (c) => c.kill('SIGQUIT'));
        await removePrefix();
      },
    };
  } catch (e) {
    // nginx may still be running (it did not open its port in time): stop it before removing its dir.
    if (child) await stopChild(child, (c) => c.kill('SIGQUIT'));
    await removePrefix();
    throw e;
  }
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port. */
async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listening on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
