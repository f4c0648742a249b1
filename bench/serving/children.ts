// Child processes of the serving benchmark and their cleanup, plus the CPU time each one
// used (from /proc), so the report can say where the two cores went.
//
// Every child is registered here the moment it is spawned; `stopAll` stops them in reverse
// order (load generator, proxies, then workers) and is called from the runner's `finally`
// and from its signal handlers, so a failed or interrupted run leaves nothing behind. The
// Node children (workers, gateway, load generator) also exit by themselves when their IPC
// channel closes; nginx has no such channel, which is why it is stopped explicitly.

import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { parseProcStatParent, parseProcStatTicks } from './stats.js';

interface Registered {
  name: string;
  child: ChildProcess;
  /** Ask politely (IPC message or SIGTERM/SIGQUIT); SIGKILL follows after the grace period. */
  stop: (child: ChildProcess) => void;
}

const registered: Registered[] = [];
/** Cleanups to run once every child has stopped (e.g. removing nginx's temp dir). */
const afterStop: (() => Promise<void>)[] = [];

export function onStopped(cleanup: () => Promise<void>): void {
  afterStop.push(cleanup);
}

export function register(name: string, child: ChildProcess, stop: (child: ChildProcess) => void = (c) => c.kill('SIGTERM')): void {
  registered.push({ name, child, stop });
  child.once('exit', () => {
    const i = registered.findIndex((r) => r.child === child);
    if (i >= 0) registered.splice(i, 1);
  });
}

export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Stops one child: its polite stop, then SIGKILL after `graceMs`. */
export async function stopChild(child: ChildProcess, stop: (child: ChildProcess) => void, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    stop(child);
  } catch {
    // IPC already closed or the process is gone: SIGKILL below covers it.
  }
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited(child);
  clearTimeout(timer);
}

let stopping: Promise<void> | undefined;

/**
 * Stops every registered child, newest first, then runs the `onStopped` cleanups. Called from
 * both the runner's `finally` and its signal handler: the second caller waits for the first.
 */
export function stopAll(graceMs = 5_000): Promise<void> {
  stopping ??= (async () => {
    for (const r of [...registered].reverse()) await stopChild(r.child, r.stop, graceMs);
    for (const cleanup of afterStop.splice(0).reverse()) await cleanup().catch(() => undefined);
  })();
  return stopping;
}

/** Last resort on an abrupt exit (no time for async work): SIGKILL everything still registered. */
export function killAllNow(): void {
  for (const r of registered) {
    try {
      r.child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** A free TCP port on 127.0.0.1 (for nginx, which cannot report the port it bound). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** CPU clock ticks (user + system) used so far by `pid`, or 0 once it is gone. */
export function cpuTicks(pid: number): number {
  try {
    return parseProcStatTicks(readFileSync(`/proc/${pid}/stat`, 'utf8')) ?? 0;
  } catch {
    return 0;
  }
}

/** Direct children of `pid` (nginx's workers under its master). */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (parseProcStatParent(readFileSync(`/proc/${entry}/stat`, 'utf8')) === pid) out.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return out;
}

/**
 * Busy clock ticks of the whole machine so far (all CPUs: user, nice, system, irq, softirq,
 * steal), from the first line of /proc/stat. Minus the benchmark's own processes, this is
 * the CPU something else on the machine took during a run: a measurement with much of it is
 * suspect.
 */
export function machineBusyTicks(): number {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
    return user + nice + system + irq + softirq + steal;
  } catch {
    return 0;
  }
}

/** Clock ticks per second for /proc times (USER_HZ): 100 on every Linux this runs on. */
export const CLOCK_TICKS_PER_SECOND = 100;
