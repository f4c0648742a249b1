import { describe, expect, it } from 'vitest';
import { backtestChartData, backtestChartHtml, readUplotAssets, scriptJson, type ChartData, type ChartInput } from './chart-html.js';

const START = Date.UTC(2024, 4, 3); // 2024-05-03T00:00:00Z

const input: ChartInput = {
  trace: 'data/<trace>.csv',
  perReplica: 8,
  warmupMs: 120_000,
  tickMs: 60_000,
  start: START,
  load: [16, 20, 4.1],
  policies: [
    { name: 'reactive', ready: [3, 3, 4] },
    { name: 'oracle', ready: [2, 3, 1] },
  ],
};

/** The inline JSON block of a page, parsed. */
function inlineData(html: string): ChartData {
  const m = /<script type="application\/json" id="chart-data">([^<]*)<\/script>/.exec(html);
  if (m?.[1] === undefined) throw new Error('no chart-data block');
  return JSON.parse(m[1]) as ChartData;
}

describe('backtestChartData', () => {
  it('x in seconds, demand in replicas, then each policy’s ready replicas', () => {
    const data = backtestChartData(input);
    expect(data.x).toEqual([START / 1000, START / 1000 + 60, START / 1000 + 120]);
    expect(data.series).toEqual([
      { label: 'demand (replicas)', values: [2, 2.5, 0.513] },
      { label: 'reactive', values: [3, 3, 4] },
      { label: 'oracle', values: [2, 3, 1] },
    ]);
    expect(data.title).toBe('backtest of data/<trace>.csv: 8 rps per replica, warm-up 2m');
  });

  it('a forecasting policy adds its band: median and provisioned load in replicas, NaN as a gap', () => {
    // perReplica 8: median 12 rps → 1.5 replicas, provisioned 20 → 2.5; NaN (no forecast yet) → null.
    const data = backtestChartData({
      ...input,
      policies: [{ name: 'hybrid', ready: [3, 3, 3], forecast: { median: [NaN, 12, 16], provisioned: [NaN, 20, 24] } }, { name: 'oracle', ready: [2, 3, 1] }],
    });
    expect(data.series.slice(3)).toEqual([
      { label: 'hybrid forecast median (replicas)', kind: 'forecast', values: [null, 1.5, 2] },
      { label: 'hybrid provisioned for (replicas)', kind: 'forecast', values: [null, 2.5, 3] },
    ]);
    expect(data.bands).toEqual([[4, 3]]);
    const html = backtestChartHtml({ ...input, policies: [{ name: 'hybrid', ready: [3, 3, 3], forecast: { median: [NaN, 12, 16], provisioned: [NaN, 20, 24] } }] }, { js: '', css: '' });
    expect(inlineData(html).bands).toEqual([[3, 2]]);
    expect(html).toContain('bands: bands');
  });

  it('no band without a forecast', () => {
    expect(backtestChartData(input).bands).toBeUndefined();
  });

  it('refuses a forecast of another length', () => {
    expect(() => backtestChartData({ ...input, policies: [{ name: 'hybrid', ready: [1, 1, 1], forecast: { median: [1], provisioned: [1] } }] })).toThrow(/hybrid's forecast has 1\/1 ticks, the load 3/);
  });

  it('refuses columns of different lengths', () => {
    expect(() => backtestChartData({ ...input, policies: [{ name: 'reactive', ready: [1] }] })).toThrow(/reactive has 1 ticks, the load 3/);
  });
});

describe('backtestChartHtml', () => {
  const assets = readUplotAssets();
  const html = backtestChartHtml(input, assets);

  it('inlines uPlot’s script and CSS', () => {
    expect(assets.js).toMatch(/var uPlot=/);
    expect(html).toContain(assets.js);
    expect(html).toContain(assets.css);
    expect(html).toContain('new uPlot(');
    expect(html).toContain('uPlot.paths.stepped');
  });

  it('loads nothing from the network', () => {
    expect(html).not.toMatch(/<script[^>]*\ssrc=/i);
    expect(html).not.toMatch(/<link[^>]/i);
    expect(html).not.toMatch(/@import/i);
    expect(html).not.toMatch(/url\(\s*['"]?https?:/i);
    // The only URL is uPlot's license banner (`/*! https://github.com/leeoniya/uPlot (v…) */`).
    const urls = html.match(/https?:\/\/[^\s"')]+/g) ?? [];
    expect(urls.every((u) => u === 'https://github.com/leeoniya/uPlot')).toBe(true);
    expect(html).toMatch(/\/\*! https:\/\/github\.com\/leeoniya\/uPlot \(v[\d.]+\) \*\//);
  });

  it('the inline JSON parses back to the columns', () => {
    expect(inlineData(html)).toEqual(backtestChartData(input));
  });

  it('escapes the title and the JSON', () => {
    expect(html).toContain('<title>backtest of data/&lt;trace&gt;.csv: 8 rps per replica, warm-up 2m</title>');
    expect(html).not.toContain('<trace>');
    expect(scriptJson({ s: '</script><b>' })).toBe('{"s":"\\u003c/script>\\u003cb>"}');
    expect(JSON.parse(scriptJson({ s: '</script>' }))).toEqual({ s: '</script>' });
  });

  it('closes its script elements only where it means to', () => {
    const fake = backtestChartHtml(input, { js: 'var s = "</script>";', css: 'a{}</style>' });
    expect(fake.match(/<\/script>/g)).toHaveLength(3);
    expect(fake.match(/<\/style>/g)).toHaveLength(2);
  });
});
