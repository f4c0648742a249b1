import { describe, expect, it } from 'vitest';
import { CliError } from '../errors.js';
import { checkSpeedup } from './load-trace.js';
import { checkConnections } from './load-shared.js';
import { checkLoadMode, type LoadOptions } from './load.js';

async function cliError(p: Promise<unknown> | (() => unknown)): Promise<CliError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    if (err instanceof CliError) return err;
    throw err;
  }
  throw new Error('expected a CliError');
}

describe('flags', () => {
  it.each<[LoadOptions, 'rps' | 'trace']>([
    [{ rps: 10, duration: '1s', seed: 1 }, 'rps'],
    [{ trace: 't.csv', speedup: 60, seed: 1 }, 'trace'],
    [{ trace: 't.csv', speedup: 1, scale: 0.5, from: '2024-05-07', duration: '5m', connections: 8, seed: 1 }, 'trace'],
  ])('%j → %s', (o, mode) => expect(checkLoadMode(o)).toBe(mode));

  it.each<[LoadOptions, RegExp]>([
    [{ rps: 10, trace: 't.csv', speedup: 60, seed: 1 }, /^--rps and --trace cannot be used together/],
    [{ seed: 1 }, /^give --rps R --duration D \(a fixed rate\) or --trace FILE --speedup K/],
    [{ rps: 10, seed: 1 }, /^--rps needs --duration/],
    [{ rps: 10, duration: '1s', speedup: 60, seed: 1 }, /^--speedup applies to --trace only$/],
    [{ rps: 10, duration: '1s', scale: 2, from: 'x', seed: 1 }, /^--scale, --from apply to --trace only$/],
    [{ trace: 't.csv', seed: 1 }, /^--trace needs --speedup K: .*rollcast up --speedup K/],
  ])('rejects %j', async (o, message) => {
    const err = await cliError(() => checkLoadMode(o));
    expect(err.message).toMatch(message);
    expect(err.exitCode).toBe(2);
  });

  it('bounds --connections and checks the speedup against the server', async () => {
    expect(checkConnections(64)).toBe(64);
    expect((await cliError(() => checkConnections(0))).message).toBe('--connections must be between 1 and 1024');
    expect(() => checkSpeedup(60, 60)).not.toThrow();
    expect((await cliError(() => checkSpeedup(1, 60))).message).toBe(
      'the control plane runs at speedup 1, not --speedup 60: restart it with `rollcast up --speedup 60` (or replay with --speedup 1)',
    );
  });
});
