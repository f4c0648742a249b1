// CPU sampling of worker processes: parsing /proc/<pid>/stat (through an injected reader),
// and ProcCpuSampler's percentages with an injected clock and tick source — no real
// processes, no sleeping. One test reads this process's own /proc entry where there is one.
import { existsSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProcCpuSampler, processTicks } from './process-cpu.js';

/**
 * A /proc/<pid>/stat line as Linux writes it (proc(5)): pid, (comm), state, then numbers;
 * utime and stime are fields 14 and 15, cutime/cstime (children, not counted) 16 and 17.
 */
function statLine(pid: number, comm: string, utime: number, stime: number): string {
  //            3  4 5    6    7 8  9       10   11 12 13
  const head = `S 1 ${pid} ${pid} 0 -1 4194304 2345 0 12 0`;
  const tail = `777 888 20 0 11 0 12345 1048576000 25600 18446744073709551615 1 1 0 0 0 0 0 16781312 17410 0 0 0 17 3 0 0 0 0 0`;
  return `${pid} (${comm}) ${head} ${utime} ${stime} ${tail}\n`;
}

/** A reader that answers one path and throws ENOENT for any other, like a gone process. */
function reader(files: Record<string, string>): (path: string) => string {
  return (path) => {
    const text = files[path];
    if (text === undefined) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
    return text;
  };
}

describe('processTicks', () => {
  it('adds utime and stime (fields 14 and 15) of /proc/<pid>/stat', () => {
    const read = reader({ '/proc/4242/stat': statLine(4242, 'node', 150, 25) });
    expect(processTicks(4242, read)).toBe(175);
  });

  it.each([
    ['spaces', 'rollcast worker'],
    ['parentheses', 'a (b) c'],
    ['a closing parenthesis then numbers', ') 1 2 3 4 5 6 7 8 9 10 11 12 13'],
    ['an empty name', ''],
  ])('finds the fields after a command name with %s', (_what, comm) => {
    const read = reader({ '/proc/7/stat': statLine(7, comm, 1000, 234) });
    expect(processTicks(7, read)).toBe(1234);
  });

  it('reads /proc/<pid>/stat for the pid asked', () => {
    const asked: string[] = [];
    processTicks(99, (path) => {
      asked.push(path);
      return statLine(99, 'x', 0, 0);
    });
    expect(asked).toEqual(['/proc/99/stat']);
  });

  it('is undefined when the file cannot be read (the process is gone, or not Linux)', () => {
    expect(processTicks(1, reader({}))).toBeUndefined();
  });

  it.each([
    ['empty', ''],
    ['truncated before utime', '12 (node) S 1 12 12 0 -1 4194304 2345 0 12 0 150'],
    ['not numbers', statLine(12, 'node', 150, 25).replace(' 150 25 ', ' abc def ')],
  ])('is undefined for a line that is %s', (_what, text) => {
    expect(processTicks(12, () => text)).toBeUndefined();
  });

  // Not Linux (no /proc): nothing to read, and processTicks is undefined by design there.
  it.skipIf(!existsSync('/proc/self/stat'))('reads this process from the real /proc/<pid>/stat', () => {
    const ticks = processTicks(process.pid);
    expect(ticks).toBeDefined();
    expect(Number.isFinite(ticks)).toBe(true);
    expect(ticks!).toBeGreaterThanOrEqual(0);
  });
});

/** A sampler whose clock and tick counts the test sets between samples. */
function fakeSampler(): { sampler: ProcCpuSampler; at: (ms: number) => void; ticks: Map<number, number> } {
  let now = 0;
  const ticks = new Map<number, number>();
  const sampler = new ProcCpuSampler(
    () => now,
    (pid) => ticks.get(pid),
  );
  return { sampler, at: (ms) => (now = ms), ticks };
}

describe('ProcCpuSampler', () => {
  it('the first reading of a process is undefined: a percentage needs two', () => {
    const { sampler, ticks } = fakeSampler();
    ticks.set(10, 500);
    expect(sampler.sample([10])).toBeUndefined();
  });

  it.each([
    // ticks used, ms between readings, percent of one core (USER_HZ = 100 ticks per second)
    { used: 50, ms: 1000, percent: 50 },
    { used: 100, ms: 1000, percent: 100 },
    { used: 200, ms: 1000, percent: 200 }, // two cores busy
    { used: 0, ms: 1000, percent: 0 },
    { used: 30, ms: 2000, percent: 15 },
    { used: 1, ms: 10, percent: 100 },
  ])('$used ticks over $ms ms = $percent %', ({ used, ms, percent }) => {
    const { sampler, at, ticks } = fakeSampler();
    at(5000);
    ticks.set(10, 1000);
    sampler.sample([10]);
    at(5000 + ms);
    ticks.set(10, 1000 + used);
    expect(sampler.sample([10])).toBeCloseTo(percent, 9);
  });

  it('is the mean per process over those with two readings', () => {
    const { sampler, at, ticks } = fakeSampler();
    at(0);
    ticks.set(1, 0).set(2, 0);
    sampler.sample([1, 2]);
    at(1000);
    ticks.set(1, 80).set(2, 20).set(3, 999); // 80 %, 20 %, and pid 3 read for the first time
    expect(sampler.sample([1, 2, 3])).toBeCloseTo(50, 9);
    at(2000);
    ticks.set(1, 80).set(2, 20).set(3, 1059); // 0 %, 0 %, 60 % → 20 %
    expect(sampler.sample([1, 2, 3])).toBeCloseTo(20, 9);
  });

  it('skips a process it cannot read and averages the rest', () => {
    const { sampler, at, ticks } = fakeSampler();
    at(0);
    ticks.set(1, 0).set(2, 0);
    sampler.sample([1, 2]);
    at(1000);
    ticks.set(1, 40);
    ticks.delete(2);
    expect(sampler.sample([1, 2])).toBeCloseTo(40, 9);
  });

  it('is undefined for no processes', () => {
    const { sampler } = fakeSampler();
    expect(sampler.sample([])).toBeUndefined();
  });

  it('forgets a process that is no longer listed, so a reused pid starts afresh', () => {
    const { sampler, at, ticks } = fakeSampler();
    at(0);
    ticks.set(10, 5000);
    sampler.sample([10]);
    at(1000);
    sampler.sample([]); // pid 10 gone
    at(2000);
    ticks.set(10, 5030); // a new process with pid 10 (any count): no percentage yet
    expect(sampler.sample([10])).toBeUndefined();
    at(3000);
    ticks.set(10, 5060);
    expect(sampler.sample([10])).toBeCloseTo(30, 9);
  });

  it('forgets a listed process whose stat cannot be read, so a reused pid starts afresh', () => {
    const { sampler, at, ticks } = fakeSampler();
    at(0);
    ticks.set(10, 100);
    sampler.sample([10]);
    at(1000);
    ticks.delete(10); // exited, still listed as ready for one tick
    expect(sampler.sample([10])).toBeUndefined();
    at(2000);
    // A new process got pid 10 and has used 150 ticks in its life: comparing with the old
    // process's 100 would read as 50 % over 2 s of which it ran only part.
    ticks.set(10, 150);
    expect(sampler.sample([10])).toBeUndefined();
  });

  it('ticks going backwards (a new process under the pid) give no reading, then count from there', () => {
    const { sampler, at, ticks } = fakeSampler();
    at(0);
    ticks.set(10, 5000);
    sampler.sample([10]);
    at(1000);
    ticks.set(10, 20);
    expect(sampler.sample([10])).toBeUndefined();
    at(2000);
    ticks.set(10, 45);
    expect(sampler.sample([10])).toBeCloseTo(25, 9);
  });

  it('a clock that did not advance gives no reading rather than dividing by zero', () => {
    const { sampler, at, ticks } = fakeSampler();
    at(1000);
    ticks.set(10, 0);
    sampler.sample([10]);
    ticks.set(10, 50);
    expect(sampler.sample([10])).toBeUndefined();
    at(500); // backwards
    expect(sampler.sample([10])).toBeUndefined();
    at(1500);
    ticks.set(10, 100);
    expect(sampler.sample([10])).toBeCloseTo(50, 9);
  });

  it('a pid listed twice counts once', () => {
    const { sampler, at, ticks } = fakeSampler();
    at(0);
    ticks.set(10, 0);
    sampler.sample([10, 10]);
    at(1000);
    ticks.set(10, 70);
    expect(sampler.sample([10, 10])).toBeCloseTo(70, 9);
  });

  it('property: the result is the mean over processes of the share of the interval each was busy', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 10_000 }), fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 5 })), {
          minLength: 1,
          maxLength: 10,
        }),
        (steps) => {
          // Each step: ms elapsed, then per process the fraction of cores busy (0..4 cores, in %).
          const { sampler, at, ticks } = fakeSampler();
          const pids = [1, 2, 3, 4, 5];
          let now = 0;
          at(now);
          pids.forEach((p) => ticks.set(p, 0));
          sampler.sample(pids);
          for (const [ms, percents] of steps) {
            now += ms;
            at(now);
            // Whole ticks only (as /proc reports): used = round(percent/100 · ms/1000 · 100).
            const used = pids.map((_p, i) => Math.round(((percents[i % percents.length]! / 100) * ms) / 10));
            pids.forEach((p, i) => ticks.set(p, ticks.get(p)! + used[i]!));
            const expected = used.reduce((sum, u) => sum + (u / 100 / (ms / 1000)) * 100, 0) / pids.length;
            const got = sampler.sample(pids);
            expect(got).toBeCloseTo(expected, 6);
            expect(got!).toBeGreaterThanOrEqual(0);
          }
        },
      ),
    );
  });
});
