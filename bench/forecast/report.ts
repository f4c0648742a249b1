// The forecasting benchmark's report: the M4 hourly table (with the published M4 rows read
// from m4_hourly_published_accuracy.csv), one table per load trace, and the summary the
// issue asks for. Pure: results in, Markdown out (report.test.ts).

import { bestByMase, compareMase, owaAgainst, PUBLISHED_NAIVE2, ratio, summarize, wins, type MethodSummary, type UnitScore } from './score.js';

/** Methods in report order. `ours` is src/forecast/forecast.ts; `r-*` come from bench/forecast/r/forecast.R. */
export const R_METHODS = ['stlf', 'mstl', 'tbats'] as const;
export type RMethod = (typeof R_METHODS)[number];
export const rKey = (m: RMethod): string => `r-${m}`;

const LABELS: Record<string, string> = {
  ours: 'rollcast forecast()',
  snaive: 'seasonal naive (m = 24)',
  naive2: 'Naive2 (m = 24)',
  'snaive-day': 'seasonal naive, daily',
  'snaive-week': 'seasonal naive, weekly',
  'r-stlf': 'R stlf',
  'r-mstl': 'R mstl + forecast',
  'r-tbats': 'R tbats',
};
export const methodLabel = (key: string): string => LABELS[key] ?? key;

// ---------------------------------------------------------------------------------------------
// Formatting

const dash = '–';
export const fixed = (v: number, digits: number): string => (Number.isFinite(v) ? v.toFixed(digits) : dash);
export const percent = (v: number): string => (Number.isFinite(v) ? `${(v * 100).toFixed(1)} %` : dash);
export const times = (v: number): string => (Number.isFinite(v) ? `${v >= 10 ? v.toFixed(0) : v >= 1 ? v.toFixed(1) : v.toPrecision(2)}×` : dash);
/** Milliseconds with a precision that suits the size: 0.42, 12.3, 4,210. */
export const millis = (v: number): string =>
  !Number.isFinite(v) ? dash : v >= 1000 ? Math.round(v).toLocaleString('en-US') : v >= 10 ? v.toFixed(1) : v.toFixed(2);

/** A Markdown table; `align` per column, 'l' or 'r'. */
export function markdownTable(headers: readonly string[], align: readonly ('l' | 'r')[], rows: readonly (readonly string[])[]): string {
  const rule = `|${headers.map((_, i) => (align[i] === 'r' ? '--:' : '---')).join('|')}|`;
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

/**
 * "mstl-ets ×90, snaive-day ×25, … and 40 more (70 series)": the models rollcast chose, most
 * frequent first (ties by name), the first `top` of them; the full counts are in --json.
 */
export function modelCounts(counts: Readonly<Record<string, number>>, top = 8): string {
  const sorted = Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const shown = sorted.slice(0, top).map(([m, n]) => `${m} ×${n}`);
  const rest = sorted.slice(top);
  if (rest.length > 0) shown.push(`and ${rest.length} more (${rest.reduce((a, [, n]) => a + n, 0)} units)`);
  return shown.join(', ');
}

// ---------------------------------------------------------------------------------------------
// Published M4 rows

export interface PublishedRow {
  id: string;
  author: string;
  type: string;
  smape: number;
  mase: number;
  owa: number;
}

/**
 * Reads m4_hourly_published_accuracy.csv (header method_id, first_author(github), type,
 * hourly_sMAPE, hourly_MASE, hourly_OWA, …). Cells hold no commas or quotes. Throws on a
 * missing column, so a changed file is noticed rather than misread.
 */
export function parsePublishedAccuracy(text: string): PublishedRow[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines[0] ?? '').split(',');
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`published accuracy file: no column "${name}" in the header`);
    return i;
  };
  const [id, author, type, s, m, o] = ['method_id', 'first_author(github)', 'type', 'hourly_sMAPE', 'hourly_MASE', 'hourly_OWA'].map(col) as [number, number, number, number, number, number];
  return lines.slice(1).map((line) => {
    const cells = line.split(',');
    return { id: cells[id] ?? '', author: cells[author] ?? '', type: cells[type] ?? '', smape: Number(cells[s]), mase: Number(cells[m]), owa: Number(cells[o]) };
  });
}

/** The rows the M4 table shows: the best hourly entry, Smyl (the overall winner) and every M4 benchmark, each labelled. */
export function selectPublished(rows: readonly PublishedRow[]): { label: string; row: PublishedRow }[] {
  const benchmark = (r: PublishedRow) => r.author.includes('M4Competition');
  const entries = rows.filter((r) => !benchmark(r) && Number.isFinite(r.owa));
  const best = entries.reduce<PublishedRow | undefined>((b, r) => (b === undefined || r.owa < b.owa ? r : b), undefined);
  const smyl = rows.find((r) => r.author.startsWith('Smyl'));
  const out: { label: string; row: PublishedRow }[] = [];
  const name = (r: PublishedRow) => r.author.replace(/\s*\(.*\)\s*$/, '');
  if (best) out.push({ label: `M4 published: ${name(best)} (best hourly entry)`, row: best });
  if (smyl && smyl !== best) out.push({ label: `M4 published: ${name(smyl)} (ES-RNN, overall winner)`, row: smyl });
  for (const r of rows.filter(benchmark).sort((a, b) => a.owa - b.owa)) out.push({ label: `M4 published benchmark: ${r.id}`, row: r });
  return out;
}

// ---------------------------------------------------------------------------------------------
// M4

export interface M4Report {
  split: string;
  series: number;
  horizon: number;
  /** Method key → one score per series (same order for every method). */
  methods: Readonly<Record<string, readonly UnitScore[]>>;
  /** Chosen model name → series count, for `ours`. */
  oursModels: Readonly<Record<string, number>>;
  published: readonly { label: string; row: PublishedRow }[];
  /** One line on the R side: version, or why it was skipped. */
  rNote: string;
}

export function renderM4(report: M4Report): string {
  const summaries = Object.fromEntries(Object.entries(report.methods).map(([k, v]) => [k, summarize(v)]));
  const naive2 = summaries.naive2;
  const rows = Object.entries(summaries).map(([key, s]) => [
    methodLabel(key),
    fixed(s.smape, 3),
    fixed(s.mase, 3),
    naive2 ? fixed(owaAgainst(s, naive2), 3) : dash,
    fixed(owaAgainst(s, PUBLISHED_NAIVE2), 3),
    percent(s.coverage),
    fixed(s.totalMs / 1000, 1),
    s.fallbacks > 0 ? String(s.fallbacks) : '0',
  ]);
  const published = report.published.map(({ label, row }) => [label, fixed(row.smape, 3), fixed(row.mase, 3), dash, fixed(row.owa, 3), dash, dash, dash]);
  const table = markdownTable(
    ['method', 'sMAPE', 'MASE', 'OWA (this run’s Naive2)', 'OWA (published Naive2)', '0.9-quantile coverage', 'total s', 'fallbacks'],
    ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    [...rows, ...published],
  );
  const models = modelCounts(report.oursModels);
  return [
    `## M4 hourly (${report.split} split): ${report.series} series, horizon ${report.horizon}`,
    '',
    table,
    '',
    `sMAPE and MASE are means over series (MASE scaled by the in-sample MAE of the lag-24 seasonal naive); OWA = mean of the ratios to Naive2's sMAPE and MASE, first this run's Naive2 (${fixed(naive2?.smape ?? Number.NaN, 3)} / ${fixed(naive2?.mase ?? Number.NaN, 3)}), then the published ${PUBLISHED_NAIVE2.smape} / ${PUBLISHED_NAIVE2.mase}.`,
    `Coverage: share of held-out points at or below the 0.9 quantile (R: upper bound of the 80 % interval); target 90 %. Fallbacks: series where the method failed and the seasonal naive forecast was scored instead.`,
    `The published rows are scored on the M4 test set (the 48 points after each training series); this run holds out the last 48 points of the training series (${report.split === 'tune' ? 'after first dropping the last 48' : 'report split'}), so they are a reference, not the same points.`,
    `rollcast chose: ${models || dash}. ${report.rNote}`,
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Traces

export interface TraceReport {
  name: string;
  stepMs: number;
  /** Set when the raw trace was aggregated (e.g. 1 min → 5 min): the raw step. */
  rawStepMs?: number;
  points: number;
  day: number;
  fitDays: number;
  /** Origins scored and skipped (too little history). */
  origins: number;
  skipped: number;
  /** Method key → one entry per origin (aligned); undefined where the method did not apply. */
  methods: Readonly<Record<string, readonly (UnitScore | undefined)[]>>;
  oursModels: Readonly<Record<string, number>>;
  /** R's seasonal periods per origin, e.g. "288, 2016" (what the msts got). */
  rPeriods: readonly string[];
}

const minutes = (ms: number) => `${ms / 60_000} min`;

export function renderTrace(trace: TraceReport): string {
  const rows = Object.entries(trace.methods).map(([key, scores]) => {
    const s = summarize(scores);
    return [methodLabel(key), String(s.units), fixed(s.mase, 3), fixed(s.smape, 2), percent(s.coverage), millis(s.meanMs), String(s.fallbacks)];
  });
  const step = trace.rawStepMs === undefined ? minutes(trace.stepMs) : `${minutes(trace.stepMs)} (summed from ${minutes(trace.rawStepMs)})`;
  const periods = [...new Set(trace.rPeriods)].join(' / ');
  const models = modelCounts(trace.oursModels);
  return [
    `### ${trace.name}`,
    '',
    `step ${step}, ${trace.points} points, day = ${trace.day} steps; ${trace.origins} origins scored, ${trace.skipped} skipped (< 2 days of history); fit window up to ${trace.fitDays} days; R periods: ${periods || dash}; rollcast chose: ${models || dash}`,
    '',
    markdownTable(['method', 'origins', 'MASE', 'sMAPE', '0.9-quantile coverage', 'ms per origin', 'fallbacks'], ['l', 'r', 'r', 'r', 'r', 'r', 'r'], rows),
  ].join('\n');
}

export interface TraceSummary {
  /** Per trace: ours vs the best R method, daily and weekly seasonal naive (weekly on common origins). */
  rows: {
    name: string;
    origins: number;
    ours: MethodSummary;
    bestR?: { method: string; mase: number };
    daily: { ours: number; other: number };
    weekly?: { ours: number; other: number; n: number };
    /** Mean time per origin, ours / R method. */
    timeRatio: Partial<Record<string, number>>;
  }[];
  vsBestR: { wins: number; of: number };
  vsDaily: { wins: number; of: number };
  vsWeekly: { wins: number; of: number };
  /** Over all traces: total time of ours / total time of each R method (same origins). */
  overallTimeRatio: Partial<Record<string, number>>;
}

/** The summary numbers, from the per-trace results. `rMethods` lists the R method keys that ran. */
export function summarizeTraces(traces: readonly TraceReport[], rMethods: readonly string[]): TraceSummary {
  const rows: TraceSummary['rows'] = [];
  const totals: Record<string, { ours: number; r: number }> = {};
  for (const t of traces) {
    const ours = t.methods.ours;
    if (ours === undefined) continue;
    const summaries = Object.fromEntries(Object.entries(t.methods).map(([k, v]) => [k, summarize(v)]));
    const oursSummary = summaries.ours as MethodSummary;
    const daily = compareMase(ours, t.methods['snaive-day'] ?? []);
    const weeklyScores = t.methods['snaive-week'];
    const weekly = weeklyScores === undefined ? undefined : compareMase(ours, weeklyScores);
    const timeRatio: Partial<Record<string, number>> = {};
    for (const m of rMethods) {
      const scores = t.methods[m];
      if (scores === undefined) continue;
      const rSummary = summaries[m] as MethodSummary;
      timeRatio[m] = ratio(oursSummary.meanMs, rSummary.meanMs);
      const total = (totals[m] ??= { ours: 0, r: 0 });
      total.ours += oursSummary.totalMs;
      total.r += rSummary.totalMs;
    }
    const bestR = bestByMase(summaries, rMethods);
    rows.push({
      name: t.name,
      origins: t.origins,
      ours: oursSummary,
      ...(bestR && { bestR }),
      daily: { ours: daily.a, other: daily.b },
      ...(weekly && weekly.n > 0 && { weekly: { ours: weekly.a, other: weekly.b, n: weekly.n } }),
      timeRatio,
    });
  }
  return {
    rows,
    vsBestR: wins(rows.filter((r) => r.bestR).map((r) => ({ ours: r.ours.mase, other: r.bestR?.mase ?? Number.NaN }))),
    vsDaily: wins(rows.map((r) => r.daily)),
    vsWeekly: wins(rows.flatMap((r) => (r.weekly ? [r.weekly] : []))),
    overallTimeRatio: Object.fromEntries(Object.entries(totals).map(([m, t]) => [m, ratio(t.ours, t.r)])),
  };
}

export function renderTraceSummary(summary: TraceSummary, rMethods: readonly string[]): string {
  const rows = summary.rows.map((r) => [
    r.name,
    String(r.origins),
    fixed(r.ours.mase, 3),
    r.bestR ? `${fixed(r.bestR.mase, 3)} (${methodLabel(r.bestR.method)})` : dash,
    fixed(r.daily.other, 3),
    r.weekly ? `${fixed(r.weekly.other, 3)}${r.weekly.n < r.origins ? ` (${r.weekly.n} origins; ours ${fixed(r.weekly.ours, 3)})` : ''}` : dash,
    percent(r.ours.coverage),
    millis(r.ours.meanMs),
    ...rMethods.map((m) => times(r.timeRatio[m] ?? Number.NaN)),
  ]);
  const count = (w: { wins: number; of: number }) => `${w.wins} of ${w.of}`;
  return [
    '### Summary over traces',
    '',
    markdownTable(
      ['trace', 'origins', 'ours MASE', 'best R MASE', 'sNaive daily MASE', 'sNaive weekly MASE', 'ours 0.9 coverage', 'ours ms per origin', ...rMethods.map((m) => `time ours / ${methodLabel(m)}`)],
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', ...rMethods.map(() => 'r' as const)],
      rows,
    ),
    '',
    markdownTable(
      ['ours has the lower MASE than', 'traces'],
      ['l', 'r'],
      [
        ['the best R method on that trace', rMethods.length === 0 ? 'R not run' : count(summary.vsBestR)],
        ['seasonal naive, daily', count(summary.vsDaily)],
        ['seasonal naive, weekly (traces with ≥ 1 week of history; common origins)', count(summary.vsWeekly)],
      ],
    ),
    ...(rMethods.length === 0
      ? []
      : ['', `Time over all traces, ours / R (sum of fit + forecast times at the same origins; R timed inside R): ${rMethods.map((m) => `${methodLabel(m)} ${times(summary.overallTimeRatio[m] ?? Number.NaN)}`).join(', ')}.`]),
  ].join('\n');
}
