import fc from 'fast-check';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { capture, startFakeAdmin, type FakeAdmin, type Received, type Routes } from '../../../test/cli-live-fake-admin.js';
import { MAX_HISTORY_POINTS, type HistoryImport, type HistoryImportResult } from '../../api/autoscaling-views.js';
import type { RegularSeries } from '../../forecast/series.js';
import { DAY, WEEK } from '../../spec/duration.js';
import { millis } from '../../spec/units.js';
import { CliError } from '../errors.js';
import { importToMinutes } from '../../controller/autoscaling-history.js';
import { alignShiftMs, checkStep, describeShift, importHistory, importPoints, lastObserved, replayNote, type ImportHistoryOptions } from './import-history.js';

const MIN = 60_000;

async function cliError(p: Promise<unknown> | (() => unknown)): Promise<CliError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    if (err instanceof CliError) return err;
    throw err;
  }
  throw new Error('expected a CliError');
}

describe('alignShiftMs', () => {
  it('the worked example: Tue 2024-05-07 10:00 → Wed 2026-11-25 10:00 when now is Thu 2026-11-26 09:00', () => {
    const last = Date.UTC(2024, 4, 7, 10);
    const shift = alignShiftMs(last, Date.UTC(2026, 10, 26, 9));
    expect(shift).toBe(932 * DAY);
    const moved = new Date(last + shift);
    expect(moved.toISOString()).toBe('2026-11-25T10:00:00.000Z');
  });

  it.each([
    ['equal instants', 0, 0, 0],
    ['a day and a minute back', 0, DAY + MIN, DAY],
    ['just under a day back', 0, DAY - 1, 0],
    ['a trace ending in the future', 3 * DAY + MIN, 0, -4 * DAY],
    ['exactly a week in the future', WEEK, 0, -WEEK],
  ])('%s', (_, last, now, shift) => expect(alignShiftMs(last, now)).toBe(shift));

  it('always lands the last point in (now − 1 day, now], by whole days (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4e12 }), fc.integer({ min: 0, max: 4e12 }), (last, now) => {
        const shift = alignShiftMs(last, now);
        expect(Number.isInteger(shift / DAY)).toBe(true);
        expect(last + shift).toBeLessThanOrEqual(now);
        expect(last + shift).toBeGreaterThan(now - DAY);
      }),
    );
  });

  it('with steps longer than a minute, fits the last step’s end, so the server takes it (property against importToMinutes)', () => {
    // 5-minute steps, the last one starting 2 minutes before now: it ends 3 minutes after
    // now, which the server refuses; a day back it fits.
    expect(alignShiftMs(0, 2 * MIN, 5 * MIN)).toBe(-DAY);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4e12 }), fc.integer({ min: 2e12, max: 4e12 }), fc.constantFrom(15_000, MIN, 5 * MIN, 60 * MIN), (last, now, step) => {
        const shift = alignShiftMs(last, now, step);
        expect(Number.isInteger(shift / DAY)).toBe(true);
        expect(() => importToMinutes({ points: [[last + shift, 1]], stepMs: step }, now)).not.toThrow();
        // …and as close to now as whole days allow: a day later, the point would be after now
        // or its step would end after the minute in progress.
        const later = last + shift + DAY;
        expect(later > now || later + step > now + MIN).toBe(true);
      }),
    );
  });
});

describe('points', () => {
  const series: RegularSeries = { start: millis(Date.UTC(2024, 4, 7)), stepMs: 5 * MIN, values: [60, NaN, 120, 30] };

  it('scales, shifts and leaves missing rows out', () => {
    const t = series.start;
    expect(importPoints(series, 1 / 60, WEEK, 'f.csv')).toEqual([
      [t + WEEK, 1],
      [t + WEEK + 10 * MIN, 2],
      [t + WEEK + 15 * MIN, 0.5],
    ]);
    expect(lastObserved(series)).toBe(t + 15 * MIN);
    expect(lastObserved({ ...series, values: [1, NaN] })).toBe(t);
    expect(lastObserved({ ...series, values: [NaN] })).toBeUndefined();
  });

  it.each([
    [[1, -3], 1, /^f\.csv: the value at 2024-05-07T00:05:00Z is -3; a load cannot be negative$/],
    [[1e308, 1], 10, /^f\.csv: the value at 2024-05-07T00:00:00Z \(1e\+308\) × --scale 10 is not a finite number$/],
  ])('rejects %j × %d', async (values, scale, message) => {
    expect((await cliError(() => importPoints({ ...series, values }, scale, 0, 'f.csv'))).message).toMatch(message);
  });

  it.each([MIN, 5 * MIN, DAY, 10_000, 1000, 30_000])('accepts a %d ms step', (step) => expect(() => checkStep(step, 'f.csv')).not.toThrow());
  it.each([
    [7000, '7s'],
    [90_000, '1m30s'],
  ])('rejects a %d ms step', async (step, text) => {
    expect((await cliError(() => checkStep(step, 'f.csv'))).message).toBe(
      `f.csv: its step ${text} is neither a whole number of minutes nor divides a minute (e.g. 10s, 1m, 5m), so it cannot be put on the 1-minute history`,
    );
  });

  it('replayNote says where `load --trace` continues, or that nothing is left', () => {
    const end = Date.UTC(2024, 4, 8);
    expect(replayNote(end - MIN, end, 't.csv')).toBe("the controller's now is trace time 2024-05-07T23:59:00Z: `rollcast load --trace t.csv` continues from there");
    expect(replayNote(end, end, 't.csv')).toMatch(/^the controller's now is trace time 2024-05-08T00:00:00Z, after the end of t\.csv \(2024-05-08T00:00:00Z\): /);
  });

  it.each([
    [0, 'none'],
    [DAY, '+1 day'],
    [932 * DAY, '+932 days'],
    [-2 * WEEK, '-14 days'],
  ])('describeShift(%d) = %s', (ms, text) => expect(describeShift(ms)).toBe(text));
});

describe('rollcast import history NAME (fake admin API)', () => {
  const NOW = Date.UTC(2026, 10, 26, 9);
  const SHIFT = 932 * DAY;
  let dir: string;
  let fake: FakeAdmin;
  const file = (name: string): string => join(dir, name);
  // What the server would answer for an import: from/to are the first and last minute written.
  const answer = (req: Received) => {
    const body = req.body as HistoryImport;
    const from = body.points[0]?.[0] ?? 0;
    const to = (body.points.at(-1)?.[0] ?? 0) + body.stepMs - MIN;
    const result: HistoryImportResult = { deployment: 'web', imported: (to - from) / MIN + 1, from, to, stepMs: MIN, shiftMs: body.shiftMs ?? 0 };
    return { json: result };
  };
  const routes = (over: Routes = {}): Routes => ({
    'GET /api/v1/clock': { json: { now: NOW, speedup: 1 } },
    'PUT /api/v1/deployments/web/history': answer,
    ...over,
  });
  const opts = (o: Partial<ImportHistoryOptions> = {}): ImportHistoryOptions => ({ csv: file('trace.csv'), align: true, ...o });
  const put = (): HistoryImport => fake.received.find((r) => r.method === 'PUT')?.body as HistoryImport;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rollcast-import-'));
    // Per-minute counts at 5-minute steps with one missing row (10:10).
    await writeFile(
      file('trace.csv'),
      'timestamp,value\n2024-05-07T10:00:00Z,600\n2024-05-07T10:05:00Z,1200\n2024-05-07T10:15:00Z,300\n2024-05-07T10:20:00Z,60\n',
    );
    await writeFile(file('negative.csv'), 'timestamp,value\n2024-05-07T10:00:00Z,1\n2024-05-07T10:01:00Z,-1\n');
    await writeFile(file('bad.csv'), 'timestamp,value\n2024-05-07T10:00:00Z,1\n2024-05-07T10:01:00Z,abc\n');
    await writeFile(file('odd-step.csv'), 'timestamp,value\n2024-05-07T10:00:00Z,1\n2024-05-07T10:00:07Z,2\n');
    const big = ['timestamp,value', ...Array.from({ length: MAX_HISTORY_POINTS + 1 }, (_, i) => `${1_700_000_000 + i * 10},1`)];
    await writeFile(file('big.csv'), `${big.join('\n')}\n`);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  afterEach(() => fake?.close());

  it('aligns to the controller clock, scales, and sends the points with step, shift and source', async () => {
    fake = await startFakeAdmin(routes());
    const out = capture();
    await importHistory(fake.api, 'web', opts({ scale: 1 / 60 }), out.print);
    const t = (h: number, m: number): number => Date.UTC(2024, 4, 7, h, m) + SHIFT;
    expect(put()).toEqual({ points: [[t(10, 0), 10], [t(10, 5), 20], [t(10, 15), 5], [t(10, 20), 1]], stepMs: 5 * MIN, shiftMs: SHIFT, source: 'trace.csv' });
    const putReq = fake.received.find((r) => r.method === 'PUT');
    expect(putReq?.headers.authorization).toBe('Bearer test-token');
    expect(out.text).toBe(
      [
        `imported 25 minutes of history into web from trace.csv (4 points at 5m, × ${1 / 60})`,
        '  2026-11-25T10:00:00Z → 2026-11-25T10:24:00Z',
        '  shifted by +932 days to end within the last day of the controller clock',
        // Now (Thu 09:00) is 22 h 40 min after the aligned last point: past the 25-minute trace.
        "  the controller's now is trace time 2024-05-08T09:00:00Z, after the end of " +
          `${file('trace.csv')} (2024-05-07T10:25:00Z): \`load --trace\` would have nothing left to replay; to leave some, cut the import with --until at least a day before the end`,
        '',
      ].join('\n'),
    );
  });

  it('--until keeps the points up to that instant; --no-align sends them as they are, without asking the clock', async () => {
    fake = await startFakeAdmin(routes());
    const out = capture();
    await importHistory(fake.api, 'web', opts({ until: '2024-05-07T10:12:00Z', align: false, json: true }), out.print);
    expect(put()).toEqual({ points: [[Date.UTC(2024, 4, 7, 10), 600], [Date.UTC(2024, 4, 7, 10, 5), 1200]], stepMs: 5 * MIN, shiftMs: 0, source: 'trace.csv' });
    expect(fake.received.some((r) => r.url === '/api/v1/clock')).toBe(false);
    expect(JSON.parse(out.text)).toMatchObject({ deployment: 'web', imported: 10, shiftMs: 0 });
  });

  it.each<[string, Partial<ImportHistoryOptions>, Routes, RegExp, number]>([
    [
      'the server refusing points after its now (--no-align)',
      { align: false },
      { 'PUT /api/v1/deployments/web/history': { status: 400, json: { error: 'points[3] = 2024-05-07T10:20:00Z is after the controller clock' } } },
      /^PUT \/api\/v1\/deployments\/web\/history failed with 400: points\[3\] = 2024-05-07T10:20:00Z is after the controller clock$/,
      1,
    ],
    ['an unknown deployment', {}, { 'PUT /api/v1/deployments/web/history': { status: 404, json: { error: 'deployment "web" not found' } } }, /failed with 404: deployment "web" not found$/, 1],
    ['--until before the trace', { until: '2024-05-01' }, {}, /^--until "2024-05-01" is before the first point of .*trace\.csv \(2024-05-07T10:00:00Z\)$/, 2],
    ['a missing file', { csv: '/nonexistent/x.csv' }, {}, /^--csv: cannot read \/nonexistent\/x\.csv: no such file$/, 1],
    ['a bad value', { csv: 'bad.csv' }, {}, /bad\.csv: line 3: value "abc" is not a number$/, 1],
    ['a negative value', { csv: 'negative.csv' }, {}, /negative\.csv: the value at 2024-05-07T10:01:00Z is -1; a load cannot be negative$/, 1],
    ['a step the history cannot take', { csv: 'odd-step.csv' }, {}, /odd-step\.csv: its step 7s is neither a whole number of minutes/, 1],
    ['too many points', { csv: 'big.csv', align: false }, {}, /big\.csv: 200001 points is more than the 200000 one import takes; cut it with --until or split the file$/, 1],
    ['a scale that is not positive', { scale: 0 }, {}, /^--scale 0 must be a positive number$/, 2],
  ])('%s: a clear error', async (_, o, over, message, code) => {
    fake = await startFakeAdmin(routes(over));
    const csv = o.csv === undefined || o.csv.startsWith('/') ? o.csv : file(o.csv);
    const err = await cliError(importHistory(fake.api, 'web', opts({ ...o, ...(csv !== undefined && { csv }) }), capture().print));
    expect(err.message).toMatch(message);
    expect(err.exitCode).toBe(code);
    if (!/failed with/.test(message.source)) expect(fake.received.filter((r) => r.method === 'PUT')).toHaveLength(0);
  });
});
