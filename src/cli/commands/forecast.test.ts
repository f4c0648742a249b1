import { describe, expect, it } from 'vitest';
import type { Forecast } from '../../forecast/forecast.js';
import type { RegularSeries } from '../../forecast/series.js';
import { millis } from '../../spec/units.js';
import { CliError } from '../errors.js';
import { bucketMeans, fillGaps, forecastTable, formatValue, renderChart, sampleIndices } from '../forecast-render.js';
import {
  checkMode,
  csvCell,
  cutAt,
  forecastJson,
  horizonSteps,
  isoTime,
  m4Csv,
  parseQuantiles,
  positiveInt,
  seasonStepMs,
  type ForecastOptions,
} from './forecast.js';

const MIN5 = 300_000;

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

function fakeForecast(h: number, overrides: Partial<Forecast> = {}): Forecast {
  const mean = Array.from({ length: h }, (_, i) => 100 + i);
  return {
    model: 'test-model',
    components: [{ model: 'test-model', weight: 1 }],
    periods: [288],
    stepMs: MIN5,
    start: millis(Date.UTC(2024, 4, 1)),
    mean,
    quantiles: { '0.5': mean, '0.9': mean.map((v) => v + 10) },
    backtest: { origins: 3, horizonSteps: h, scaledBy: 'naive', candidates: [{ model: 'test-model', mase: 0.8, smape: 5 }], chosen: 'test-model' },
    fit: { stepMs: MIN5, points: 1000, imputed: 0, cleaned: 0 },
    notes: ['a note'],
    ...overrides,
  };
}

describe('parseQuantiles', () => {
  it.each([
    [undefined, [0.5, 0.9, 0.95, 0.99]],
    ['0.9', [0.9]],
    ['0.9,0.5', [0.5, 0.9]],
    [' 0.5 , 0.99 ,0.5', [0.5, 0.99]],
    ['.25,1e-2', [0.01, 0.25]],
  ])('%s → %j', (text, levels) => {
    expect(parseQuantiles(text)).toEqual(levels);
  });

  it.each(['0', '1', '1.2', '-0.5', 'abc', '0.5,', '', '0x1', 'NaN', '0.5;0.9'])('rejects %j naming --quantiles', (text) => {
    const err = cliError(() => parseQuantiles(text));
    expect(err.message).toMatch(/^--quantiles: /);
    expect(err.exitCode).toBe(2);
  });
});

describe('horizonSteps', () => {
  it.each([
    ['1d', MIN5, 288],
    ['48h', MIN5, 576],
    ['30m', MIN5, 6],
    ['5m', MIN5, 1],
    ['1d', 1_800_000, 48],
    ['1h30m', 1_800_000, 3],
  ])('%s at a %d ms step → %d steps', (text, step, steps) => {
    expect(horizonSteps(text, step)).toBe(steps);
  });

  it.each([
    ['48', /--horizon "48" is not a duration: a bare number has no unit/],
    ['1x', /--horizon "1x" is not a duration: unknown unit "x"/],
    ['1.5h', /--horizon "1.5h" is not a duration/],
    ['', /--horizon "" is not a duration/],
    ['0m', /--horizon "0m" must be longer than zero/],
    ['7m', /--horizon "7m" is not a whole number of the series' 5m steps/],
    ['1000w', /--horizon "1000w" is 2016000 steps of 5m; at most 100000/],
  ])('rejects %j', (text, message) => {
    expect(cliError(() => horizonSteps(text, MIN5)).message).toMatch(message);
  });
});

describe('positiveInt and seasonStepMs', () => {
  it.each([
    ['48', 48],
    ['1', 1],
  ])('positiveInt(%j) = %d', (text, n) => expect(positiveInt(text, '--horizon', 'steps')).toBe(n));

  it.each(['0', '-3', '1.5', '1d', 'abc', '', '1e3'])('positiveInt rejects %j naming the flag', (text) => {
    expect(cliError(() => positiveInt(text, '--horizon', 'steps')).message).toMatch(/^--horizon ".*" must be a whole number of steps/);
  });

  it.each([
    ['24', 3_600_000],
    ['288', 300_000],
    ['1', 86_400_000],
    ['48', 1_800_000],
  ])('--season %s → a step of %d ms', (text, ms) => expect(seasonStepMs(text)).toBe(ms));

  it.each([
    ['7', /--season 7 does not divide a day/],
    ['0', /--season "0" must be a whole number/],
    ['hourly', /--season "hourly" must be a whole number/],
  ])('rejects --season %s', (text, message) => expect(cliError(() => seasonStepMs(text)).message).toMatch(message));
});

describe('checkMode', () => {
  const base: ForecastOptions = { horizon: '1d' };
  it.each<[ForecastOptions, string | undefined, 'live' | 'trace' | 'm4']>([
    [{ ...base, trace: 'a.csv' }, undefined, 'trace'],
    [{ ...base, trace: 'a.csv', until: '2024-01-01', quantiles: '0.5', json: true }, undefined, 'trace'],
    [{ ...base, m4: 'm.csv', season: '24', out: 'o.csv' }, undefined, 'm4'],
    [{ ...base, m4: 'm.csv', season: '24', out: 'o.csv', skipInsufficient: true }, undefined, 'm4'],
    [{}, 'penguins', 'live'],
    [{ json: true }, 'penguins', 'live'],
    [{ horizon: '2h', json: true }, 'penguins', 'live'],
  ])('%j with name %s → %s', (o, name, mode) => expect(checkMode(o, name)).toBe(mode));

  it.each<[ForecastOptions, string | undefined, RegExp]>([
    [base, undefined, /nothing to forecast: give --trace FILE\.csv .*, --m4 FILE .*, or a deployment NAME/],
    [{}, undefined, /nothing to forecast/],
    [{ ...base, trace: 'a.csv', m4: 'm.csv' }, undefined, /--trace and --m4 cannot be used together/],
    [{ ...base, trace: 'a.csv', season: '24' }, undefined, /--season applies to --m4 only/],
    [{ ...base, trace: 'a.csv', out: 'o.csv', skipInsufficient: true }, undefined, /--out, --skip-insufficient apply to --m4 only/],
    [{ ...base, m4: 'm.csv', season: '24', out: 'o.csv', until: 'x' }, undefined, /--until applies to --trace only/],
    [{ ...base, m4: 'm.csv', season: '24', out: 'o.csv', json: true }, undefined, /--json applies to --trace only/],
    [{ ...base, m4: 'm.csv', out: 'o.csv' }, undefined, /--m4 needs --season/],
    [{ ...base, m4: 'm.csv', season: '24' }, undefined, /--m4 needs --out/],
    [{ trace: 'a.csv' }, undefined, /^--trace needs --horizon: how far ahead, as a duration \(e\.g\. --horizon 1d\)$/],
    [{ m4: 'm.csv', season: '24', out: 'o.csv' }, undefined, /^--m4 needs --horizon: how many steps ahead/],
    [{ trace: 'a.csv' }, 'penguins', /^a deployment name \("penguins"\) and --trace cannot be used together/],
    [{ m4: 'm.csv', horizon: '48' }, 'penguins', /^a deployment name \("penguins"\) and --m4 cannot be used together/],
    [{ until: '2024-01-01' }, 'penguins', /^--until applies to the file forms \(--trace, --m4\) only$/],
    [{ quantiles: '0.5', season: '24' }, 'penguins', /^--quantiles, --season apply to the file forms/],
  ])('rejects %j with name %s', (o, name, message) => {
    const err = cliError(() => checkMode(o, name));
    expect(err.message).toMatch(message);
    expect(err.exitCode).toBe(2);
  });
});

describe('cutAt', () => {
  const start = Date.UTC(2024, 4, 1);
  const series: RegularSeries = { start: millis(start), stepMs: MIN5, values: [1, 2, 3, 4, 5] };
  it.each<[string | undefined, number[]]>([
    [undefined, [1, 2, 3, 4, 5]],
    ['2024-05-01T00:00:00Z', [1]],
    ['2024-05-01 00:10', [1, 2, 3]],
    ['2024-05-01T00:12:00Z', [1, 2, 3]],
    ['2024-05-01T02:12:00+02:00', [1, 2, 3]],
    [String(start / 1000 + 600), [1, 2, 3]],
    ['2030-01-01', [1, 2, 3, 4, 5]],
  ])('--until %s keeps %j', (until, values) => {
    expect(cutAt(series, until, 'f.csv').values).toEqual(values);
  });

  it.each([
    ['2024-04-30T23:59:59Z', /--until "2024-04-30T23:59:59Z" is before the first point of f.csv \(2024-05-01T00:00:00Z\)/],
    ['yesterday', /--until "yesterday" is neither ISO-8601/],
    ['2024-02-30', /--until "2024-02-30" is not a calendar date/],
  ])('rejects --until %s', (until, message) => expect(cliError(() => cutAt(series, until, 'f.csv')).message).toMatch(message));
});

describe('downsampling', () => {
  it.each<[number[], number, number[]]>([
    [[1, 2, 3, 4], 1, [1, 2, 3, 4]],
    [[1, 2, 3, 4], 2, [1.5, 3.5]],
    [[1, 2, 3, 4, 5], 2, [1.5, 3.5, 5]],
    [[1, NaN, 3, NaN, NaN], 2, [1, 3, NaN]],
    [[], 3, []],
  ])('bucketMeans(%j, %d) = %j', (values, factor, out) => expect(bucketMeans(values, factor)).toEqual(out));

  it.each<[number[], number[]]>([
    [[1, 2], [1, 2]],
    [[NaN, 2, NaN, NaN, 5], [2, 2, 2, 2, 5]],
    [[NaN, NaN], []],
  ])('fillGaps(%j) = %j', (values, out) => expect(fillGaps(values)).toEqual(out));

  it.each<[number, number, number[], number]>([
    [5, 24, [0, 1, 2, 3, 4], 1],
    [24, 24, Array.from({ length: 24 }, (_, i) => i), 1],
    [48, 24, Array.from({ length: 24 }, (_, i) => 2 * i), 2],
    [288, 24, Array.from({ length: 24 }, (_, i) => 12 * i), 12],
    [25, 24, Array.from({ length: 13 }, (_, i) => 2 * i), 2],
    [0, 24, [], 1],
  ])('sampleIndices(%d, %d)', (length, max, indices, stride) => {
    expect(sampleIndices(length, max)).toEqual({ indices, stride });
  });
});

describe('formatting', () => {
  it.each([
    [12345.6, '12346'],
    [42.25, '42.3'],
    [0.5, '0.50'],
    [0, '0.00'],
    [0.00123, '0.00123'],
    [NaN, 'NaN'],
  ])('formatValue(%d) = %s', (v, text) => expect(formatValue(v)).toBe(text));

  it.each([
    [Date.UTC(2024, 4, 1, 12), '2024-05-01T12:00:00Z'],
    [Date.UTC(2024, 4, 1, 12, 0, 0, 250), '2024-05-01T12:00:00.250Z'],
  ])('isoTime(%d) = %s', (ms, text) => expect(isoTime(ms)).toBe(text));

  it.each([
    ['H1', 'H1'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
  ])('csvCell(%j) = %s', (text, cell) => expect(csvCell(text)).toBe(cell));

  it('m4Csv writes id,F1..Fh and one line per series', () => {
    expect(m4Csv(3, [{ id: 'H1', mean: [1, 2.5, 3] }, { id: 'H2', mean: [4, 5, 6] }])).toBe('id,F1,F2,F3\nH1,1,2.5,3\nH2,4,5,6\n');
    expect(m4Csv(2, [])).toBe('id,F1,F2\n');
  });
});

describe('renderChart', () => {
  const history = Array.from({ length: 1152 }, (_, i) => 100 + 50 * Math.sin((2 * Math.PI * i) / 288));
  const mean = history.slice(-288);
  const upper = mean.map((v) => v + 20);

  it('is at most 80 data columns wide and 12 rows high, with a marker where the forecast starts', () => {
    const lines = renderChart(history, mean, upper, { upperLabel: '0.99' }).split('\n');
    const plot = lines.slice(0, -2);
    expect(plot.length).toBeGreaterThanOrEqual(12);
    expect(plot.length).toBeLessThanOrEqual(13);
    const axis = (plot[0] ?? '').search(/[┤┼]/);
    expect(axis).toBeGreaterThan(0);
    for (const line of plot) expect(line.length - axis).toBeLessThanOrEqual(81);
    expect(lines.at(-2)).toMatch(/^ +\^ forecast \(1 column = 11 steps\)$/);
    // 576 history points at 11 per column → 52 columns (cut to whole buckets), then the forecast.
    expect(lines.at(-2)?.indexOf('^')).toBe(axis + 52);
    expect(lines.at(-1)).toMatch(/upper line: quantile 0\.99$/);
  });

  it('draws short series without downsampling and survives gaps; nothing finite → empty', () => {
    const chart = renderChart([1, NaN, 3, 4], [5, 6], undefined);
    expect(chart).toMatch(/\^ forecast$/);
    expect(chart).not.toMatch(/column =/);
    expect(renderChart([NaN, NaN], [NaN], undefined)).toBe('');
  });
});

describe('forecastTable and forecastJson', () => {
  it('a 288-step forecast is shown in at most 24 rows, every 12th step', () => {
    const lines = forecastTable(fakeForecast(288)).split('\n');
    expect(lines[0]?.split(/\s+/)).toEqual(['TIME', '(UTC)', 'MEAN', 'Q0.5', 'Q0.9']);
    expect(lines[1]).toMatch(/^2024-05-01T00:00:00Z\s+100\.0\s+100\.0\s+110\.0$/);
    expect(lines[2]).toMatch(/^2024-05-01T01:00:00Z\s+112\.0/);
    expect(lines.filter((l) => /^\d{4}-/.test(l))).toHaveLength(24);
    expect(lines.at(-1)).toBe('(one row every 12 steps, i.e. every 1h)');
  });

  it('a short forecast shows every step', () => {
    const lines = forecastTable(fakeForecast(3)).split('\n');
    expect(lines).toHaveLength(4);
  });

  it('JSON has start as ISO-8601 and startMs, and every Forecast field', () => {
    const f = fakeForecast(2);
    const json = forecastJson(f);
    expect(Object.keys(json).sort()).toEqual(['backtest', 'components', 'fit', 'mean', 'model', 'notes', 'periods', 'quantiles', 'start', 'startMs', 'stepMs']);
    expect(json).toMatchObject({ start: '2024-05-01T00:00:00.000Z', startMs: Date.UTC(2024, 4, 1), mean: [100, 101], model: 'test-model' });
  });
});
