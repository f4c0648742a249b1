// CPU use of worker processes, for the `cpu` scaling metric on the local target: the
// percentage of one core each process used between two readings, from /proc/<pid>/stat
// (utime + stime, in clock ticks). Linux only; elsewhere every reading is undefined and the
// autoscaler says so in its decisions instead of guessing.

import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's utime/stime: 100 on every mainstream Linux build (USER_HZ). */
const USER_HZ = 100;

export interface CpuSampler {
  /** Mean CPU percent per process since that process's previous reading; undefined when no process has two readings yet. */
  sample(pids: readonly number[]): number | undefined;
}

/** The CPU ticks a process has used so far, or undefined when it cannot be read. */
export function processTicks(pid: number, read: (path: string) => string = (p) => readFileSync(p, 'utf8')): number | undefined {
  let text: string;
  try {
    text = read(`/proc/${pid}/stat`);
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may contain spaces: count fields after
  // the last ')'. There, utime and stime are fields 14 and 15 of the whole line → 12 and 13.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? utime + stime : undefined;
}

export class ProcCpuSampler implements CpuSampler {
  readonly #last = new Map<number, { ticks: number; atMs: number }>();
  readonly #now: () => number;
  readonly #ticks: (pid: number) => number | undefined;

  /** `now` is real time in ms (CPU time is real time, whatever the controller's clock says). */
  constructor(now: () => number = () => performance.now(), ticks: (pid: number) => number | undefined = (pid) => processTicks(pid)) {
    this.#now = now;
    this.#ticks = ticks;
  }

  sample(pids: readonly number[]): number | undefined {
    const at = this.#now();
    const percents: number[] = [];
    for (const pid of pids) {
      const ticks = this.#ticks(pid);
      if (ticks === undefined) {
        // Unreadable means the process is gone, though it may still be listed for a tick:
        // forget it, or a new process that reuses the pid would be measured against the old
        // one's ticks (a bogus percentage whenever the new count is already higher).
        this.#last.delete(pid);
        continue;
      }
      const before = this.#last.get(pid);
      this.#last.set(pid, { ticks, atMs: at });
      if (before === undefined || at <= before.atMs || ticks < before.ticks) continue;
      percents.push(((ticks - before.ticks) / USER_HZ / ((at - before.atMs) / 1000)) * 100);
    }
    // Forget processes that are gone, so a reused pid starts afresh.
    const live = new Set(pids);
    for (const pid of this.#last.keys()) if (!live.has(pid)) this.#last.delete(pid);
    return percents.length === 0 ? undefined : percents.reduce((s, p) => s + p, 0) / percents.length;
  }
}
