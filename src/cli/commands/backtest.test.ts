import { describe, expect, it } from 'vitest';
import type { PolicyMetrics } from '../../sim/index.js';
import { DAY, MINUTE } from '../../spec/duration.js';
import { millis } from '../../spec/units.js';
import { CliError } from '../errors.js';
import { backtestJson, capacityText, checkEvalWindow, checkFlags, describeBacktest, parsePolicies, parseWarmup, policyTable, positiveNumber, ratio } from './backtest.js';

/** The CliError a call throws (fails the test when it throws something else or nothing). */
function cliError(fn: () => unknown): CliError {
  try {
    fn();
  } catch (err) {
    if (err instanceof CliError) return err;
    throw err;
  }
  throw new Error('expected a CliError');
}

function metrics(policy: string, replicaHours: number, unservedShare = 0): PolicyMetrics {
  return {
    policy,
    replicaHours,
    unservedShare,
    underProvisionedTimeShare: unservedShare * 2,
    accuracyU: 0.01,
    accuracyO: 0.5,
    accuracyUReplicas: 0.1,
    accuracyOReplicas: 2,
    timeshareU: unservedShare * 2,
    timeshareO: 0.6,
    jitter: -0.25,
    actions: 42,
    arrivals: 1000,
    served: 1000 * (1 - unservedShare),
    unserved: 1000 * unservedShare,
    ticks: 1440,
  };
}

describe('flag checks', () => {
  it('accepts the defaults', () => {
    expect(checkFlags({ trace: 't.csv', warmup: '2m' })).toEqual({
      trace: 't.csv',
      warmupMs: 2 * MINUTE,
      policies: ['hybrid', 'predictive', 'reactive', 'aws-like', 'knative-like', 'oracle'],
      evalMs: 7 * DAY,
      json: false,
    });
    expect(checkFlags({ trace: 't.csv', warmup: '90s', perReplica: '12.5', evalDays: '0.5', policies: 'oracle, reactive,oracle', json: true })).toEqual({
      trace: 't.csv',
      perReplica: 12.5,
      warmupMs: 90_000,
      policies: ['oracle', 'reactive'],
      evalMs: DAY / 2,
      json: true,
    });
    expect(checkFlags({ trace: 't.csv', warmup: '2m', chart: 'c.html' }).chart).toBe('c.html');
  });
  it.each([
    { flags: { warmup: 'soon' }, message: /--warmup "soon" is not a duration/ },
    { flags: { warmup: '2m', perReplica: '0' }, message: /--per-replica "0" must be a positive number/ },
    { flags: { warmup: '2m', perReplica: '-3' }, message: /--per-replica "-3"/ },
    { flags: { warmup: '2m', perReplica: '1e400' }, message: /--per-replica/ },
    { flags: { warmup: '2m', perReplica: '0x10' }, message: /--per-replica/ },
    { flags: { warmup: '2m', evalDays: 'week' }, message: /--eval-days "week"/ },
    { flags: { warmup: '2m', evalDays: '0.0001' }, message: /--eval-days "0.0001" is shorter than one 1m tick/ },
    { flags: { warmup: '2m', policies: 'hybrid,hpa' }, message: /--policies: unknown policy "hpa"; choose from hybrid, predictive/ },
    { flags: { warmup: '2m', policies: ' , ' }, message: /--policies is empty/ },
    { flags: { warmup: '2m', chart: ' ' }, message: /--chart needs a file name/ },
  ])('$message', ({ flags, message }) => {
    const err = cliError(() => checkFlags({ trace: 't.csv', ...flags }));
    expect(err.message).toMatch(message);
    expect(err.exitCode).toBe(2);
  });
  it('parses the small pieces', () => {
    expect(parseWarmup('0s')).toBe(0);
    expect(positiveNumber('3', '--x', 'y')).toBe(3);
    expect(parsePolicies(undefined)).toHaveLength(6);
  });
  it('needs history before the evaluation window', () => {
    const series = { start: millis(0), stepMs: 5 * MINUTE, values: new Array<number>(3 * 288).fill(1) };
    expect(() => checkEvalWindow(series, 2 * DAY, 't.csv')).not.toThrow();
    expect(cliError(() => checkEvalWindow(series, 3 * DAY, 't.csv')).message).toBe(
      '--eval-days 3 is not shorter than t.csv (3 days): the evaluation window is the end of the trace and needs history before it',
    );
  });
});

describe('rendering', () => {
  it('prints exactly the issue’s JSON keys', () => {
    const json = backtestJson(2.5, 120_000, [metrics('oracle', 10)]);
    expect(Object.keys(json)).toEqual(['perReplica', 'warmupMs', 'policies']);
    expect(json.policies[0]).toEqual({
      policy: 'oracle',
      replicaHours: 10,
      unservedShare: 0,
      underProvisionedTimeShare: 0,
      accuracyU: 0.01,
      accuracyO: 0.5,
      timeshareU: 0,
      timeshareO: 0.6,
      jitter: -0.25,
      actions: 42,
    });
  });
  it('tabulates policies with the ratio to the oracle', () => {
    const table = policyTable([metrics('reactive', 15, 0.0123), metrics('oracle', 10)], 10).split('\n');
    expect(table[0]).toMatch(/^POLICY\s+REPLICA-H\s+UNSERVED %\s+UNDER-PROV TIME %\s+ACCURACY_U\s+ACCURACY_O\s+TIMESHARE_U\s+TIMESHARE_O\s+JITTER\/H\s+ACTIONS\s+REPLICA-H \/ ORACLE$/);
    expect(table[1]?.split(/\s+/)).toEqual(['reactive', '15.0', '1.23', '2.46', '0.010', '0.500', '0.025', '0.600', '-0.25', '42', '1.500×']);
    expect(table[2]?.split(/\s+/).at(-1)).toBe('1.000×');
    expect(ratio(5, 0)).toBe('n/a');
  });
  it('prints the capacity, derived or given', () => {
    expect(capacityText(0.039312)).toBe('0.0393');
    expect(capacityText(1234.5)).toBe('1235');
    const lines = describeBacktest({ source: 't.csv', perReplica: 0.039312, derived: true, warmupMs: 2 * MINUTE, evalStart: 2 * DAY, evalEnd: 3 * DAY, historyMs: 2 * DAY });
    expect(lines[1]).toBe('evaluated: 1970-01-03T00:00:00Z → 1970-01-04T00:00:00Z (1 days), after 2 days of history');
    expect(lines[2]).toMatch(/^capacity: {2}0\.0393 rps per replica \(derived: the evaluation window’s p99 needs 20 replicas/);
    expect(describeBacktest({ source: 't.csv', perReplica: 5, derived: false, warmupMs: 0, evalStart: 0, evalEnd: DAY, historyMs: 0 })[2]).toBe('capacity:  5 rps per replica');
  });
});
