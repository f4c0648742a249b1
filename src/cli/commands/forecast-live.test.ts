// `rollcast forecast NAME`: the live form against a fake admin API.

import { afterEach, describe, expect, it } from 'vitest';
import { capture, startFakeAdmin, type FakeAdmin, type Routes } from '../../../test/cli-live-fake-admin.js';
import type { ForecastView, HistoryView, StoredForecastView } from '../../api/autoscaling-views.js';
import { CliError } from '../errors.js';
import { forecastCommand } from './forecast.js';

const MIN = 60_000;
const DAY = 1440 * MIN;
const START = Date.UTC(2026, 10, 28, 10);

async function cliError(p: Promise<unknown>): Promise<CliError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof CliError) return err;
    throw err;
  }
  throw new Error('expected a CliError');
}

// Two hours of forecast at 1 minute, a daily sine for history.
const wave = (i: number): number => 100 + 50 * Math.sin((2 * Math.PI * i) / 1440);
const stored: StoredForecastView = {
  madeAt: START - MIN,
  start: START,
  stepMs: MIN,
  mean: Array.from({ length: 120 }, (_, i) => wave(i)),
  quantiles: { '0.5': Array.from({ length: 120 }, (_, i) => wave(i)), '0.9': Array.from({ length: 120 }, (_, i) => wave(i) + 20) },
  quantile: 0.9,
  model: 'mstl-ets',
  periods: ['1d'],
  historyPoints: 10_080,
  notes: [],
};
const history: HistoryView = { deployment: 'web', stepMs: MIN, start: START - DAY, values: Array.from({ length: 1440 }, (_, i) => (i % 100 === 0 ? null : wave(i - 1440))) };

describe('rollcast forecast NAME (fake admin API)', () => {
  let fake: FakeAdmin;
  afterEach(() => fake?.close());
  const routes = (view: ForecastView, over: Routes = {}): Routes => ({
    'GET /api/v1/deployments/web/forecast': { json: view },
    'GET /api/v1/deployments/web/history': { json: history },
    'GET /api/v1/clock': { json: { now: START + 2 * MIN, speedup: 1 } },
    ...over,
  });

  it('prints the header, the chart of history and forecast, and the table', async () => {
    fake = await startFakeAdmin(routes({ deployment: 'web', forecast: stored }));
    const out = capture();
    await forecastCommand({}, 'web', fake.api, out.print);
    const text = out.text;
    expect(text).toMatch(/^live forecast of web: 120 steps of 1m \(2h\) from 2026-11-28T10:00:00Z\n/);
    expect(text).toMatch(/^made at: {3}2026-11-28T09:59:00Z \(3m ago on the controller's clock\)$/m);
    expect(text).toMatch(/^model: {5}mstl-ets$/m);
    expect(text).toMatch(/[┤┼]/);
    expect(text).toMatch(/^ +\^ forecast/m);
    expect(text).toMatch(/upper line: quantile 0\.9$/m);
    expect(text).toMatch(/^2026-11-28T10:00:00Z\s+100\.0\s+100\.0\s+120\.0$/m);
    // History for context: at least a day before the forecast starts, up to its start.
    expect(fake.received.map((r) => r.url)).toContain(`/api/v1/deployments/web/history?from=${START - DAY}&to=${START}`);
  });

  it('--horizon shows only the first part; --json prints the (cut) view', async () => {
    fake = await startFakeAdmin(routes({ deployment: 'web', forecast: stored }));
    const out = capture();
    await forecastCommand({ horizon: '30m' }, 'web', fake.api, out.print);
    expect(out.text).toMatch(/^live forecast of web: 30 steps of 1m \(30m\) from .*, the first 30 of 120 \(--horizon\)$/m);
    const json = capture();
    await forecastCommand({ horizon: '30m', json: true }, 'web', fake.api, json.print);
    const view = JSON.parse(json.text) as ForecastView;
    expect(view.forecast?.mean).toHaveLength(30);
    expect(view.forecast?.quantiles['0.9']).toHaveLength(30);
  });

  it('a --horizon longer than the stored forecast shows all of it, with a warning', async () => {
    fake = await startFakeAdmin(routes({ deployment: 'web', forecast: stored }));
    const out = capture();
    await forecastCommand({ horizon: '1d' }, 'web', fake.api, out.print);
    expect(out.text).toMatch(/^warning: {3}--horizon 1d is longer than the stored forecast \(2h\); showing all of it$/m);
  });

  it('no forecast yet: prints why, not an error', async () => {
    fake = await startFakeAdmin(routes({ deployment: 'web', forecast: null, why: 'need 1d of history, have 3h' }));
    const out = capture();
    await forecastCommand({}, 'web', fake.api, out.print);
    expect(out.text).toBe('no forecast for web yet: need 1d of history, have 3h\n');
    const json = capture();
    await forecastCommand({ json: true }, 'web', fake.api, json.print);
    expect(JSON.parse(json.text)).toEqual({ deployment: 'web', forecast: null, why: 'need 1d of history, have 3h' });
  });

  it('errors: the server’s message; a bad --horizon; NAME with --trace asks nothing', async () => {
    fake = await startFakeAdmin({ 'GET /api/v1/deployments/nope/forecast': { status: 404, json: { error: 'deployment "nope" not found' } } });
    const notFound = await cliError(forecastCommand({}, 'nope', fake.api, capture().print));
    expect(notFound.message).toBe('GET /api/v1/deployments/nope/forecast failed with 404: deployment "nope" not found');
    fake.routes['GET /api/v1/deployments/web/forecast'] = { json: { deployment: 'web', forecast: stored } };
    const horizon = await cliError(forecastCommand({ horizon: '90s' }, 'web', fake.api, capture().print));
    expect(horizon.message).toBe(`--horizon "90s" is not a whole number of the series' 1m steps`);
    expect(horizon.exitCode).toBe(2);
    const before = fake.received.length;
    const mixed = await cliError(forecastCommand({ trace: 'a.csv', horizon: '1d' }, 'web', fake.api, capture().print));
    expect(mixed.exitCode).toBe(2);
    expect(fake.received.length).toBe(before);
  });
});
