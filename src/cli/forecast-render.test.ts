import { describe, expect, it } from 'vitest';
import { describeStoredForecast, firstSteps, forecastText, historyOnForecastGrid, type StoredForecastInfo } from './forecast-render.js';

const MIN = 60_000;
const T = Date.UTC(2026, 10, 28, 10);

describe('historyOnForecastGrid', () => {
  const minutes = (start: number, values: (number | null)[]) => ({ start, stepMs: MIN, values });

  it('a 1-minute forecast takes the minutes as they are, nulls as gaps', () => {
    expect(historyOnForecastGrid(minutes(T, [1, null, 3]), { start: T + 3 * MIN, stepMs: MIN })).toEqual([1, NaN, 3]);
  });

  it('pads up to the forecast start when the history stops early', () => {
    expect(historyOnForecastGrid(minutes(T, [1, 2]), { start: T + 4 * MIN, stepMs: MIN })).toEqual([1, 2, NaN, NaN]);
  });

  it('ignores history at or after the forecast start', () => {
    expect(historyOnForecastGrid(minutes(T, [1, 2, 3, 4]), { start: T + 2 * MIN, stepMs: MIN })).toEqual([1, 2]);
  });

  it('the worked example: minutes from 10:00, a 5m forecast from 10:12 → buckets from 09:57', () => {
    // 10:00..10:11 = 1..12; buckets [09:57, 10:02) = {1, 2}, [10:02, 10:07) = {3..7}, [10:07, 10:12) = {8..12}.
    const values = Array.from({ length: 12 }, (_, i) => i + 1);
    expect(historyOnForecastGrid(minutes(T, values), { start: T + 12 * MIN, stepMs: 5 * MIN })).toEqual([1.5, 5, 10]);
  });

  it.each([
    ['a step that is not whole minutes', { start: T + 10 * MIN, stepMs: 90_000 }],
    ['a forecast starting before the history', { start: T - MIN, stepMs: MIN }],
  ])('%s → no history', (_, f) => expect(historyOnForecastGrid(minutes(T, [1, 2, 3]), f)).toEqual([]));

  it('no history → none', () => expect(historyOnForecastGrid(minutes(T, []), { start: T + MIN, stepMs: MIN })).toEqual([]));
});

const stored: StoredForecastInfo = {
  madeAt: T - 30_000,
  start: T,
  stepMs: MIN,
  mean: [10, 11, 12, 13],
  quantiles: { '0.5': [10, 11, 12, 13], '0.9': [12, 13, 14, 15] },
  quantile: 0.9,
  model: 'mstl-ets',
  periods: ['1d', '1w'],
  historyPoints: 20_160,
  notes: ['fitted at 5m', 'a second note'],
};

describe('the live header', () => {
  it('says what, when made (and how long ago), the model, periods, history and the provisioned quantile', () => {
    expect(describeStoredForecast('web', stored, { now: T + 5 * MIN })).toEqual([
      'live forecast of web: 4 steps of 1m (4m) from 2026-11-28T10:00:00Z',
      "made at:   2026-11-28T09:59:30Z (5m30s ago on the controller's clock)",
      'model:     mstl-ets',
      'periods:   1d, 1w',
      'history:   20160 points used',
      'provision: quantile 0.9 (the planner scales for it)',
      'notes:     fitted at 5m',
      '           a second note',
    ]);
  });

  it('after --horizon it says how much of the stored forecast is shown; no clock → no age', () => {
    const lines = describeStoredForecast('web', firstSteps(stored, 2), { cutFrom: 4 });
    expect(lines[0]).toBe('live forecast of web: 2 steps of 1m (2m) from 2026-11-28T10:00:00Z, the first 2 of 4 (--horizon)');
    expect(lines[1]).toBe('made at:   2026-11-28T09:59:30Z');
    expect(describeStoredForecast('web', { ...stored, periods: [], notes: [] })).toContain('periods:   none');
  });

  it('firstSteps cuts the mean and every quantile, keeping the rest', () => {
    const f = firstSteps(stored, 2);
    expect(f).toMatchObject({ mean: [10, 11], quantiles: { '0.5': [10, 11], '0.9': [12, 13] }, model: 'mstl-ets', start: T });
    expect(stored.mean).toHaveLength(4);
    expect(firstSteps(stored, 10).mean).toHaveLength(4);
  });

  it('forecastText: header, chart, table; no chart when there is nothing to draw', () => {
    expect(forecastText(['h'], '', stored).split('\n').slice(0, 3)).toEqual(['h', '', 'TIME (UTC)            MEAN  Q0.5  Q0.9']);
    expect(forecastText(['h'], 'CHART', stored).split('\n').slice(0, 4)).toEqual(['h', '', 'CHART', '']);
  });
});
