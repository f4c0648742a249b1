// The files exchanged with bench/forecast/r/forecast.R: tab-separated text that base R reads
// with readLines/strsplit and writes with cat, so no R package beyond forecast is needed
// (jsonlite is not assumed). Pure (r-io.test.ts); r-side.ts does the I/O.

/** One fit for R: the history, the horizon and the seasonal structure to give the models. */
export interface RTask {
  /** Unique, without tabs or spaces: "H17", "nasa_http_jul1995_1min#3". */
  id: string;
  h: number;
  /** ts frequency for stlf (24 for M4 hourly, one day of steps for the traces). */
  freq: number;
  /** msts seasonal periods for mstl and tbats; empty = non-seasonal. */
  periods: readonly number[];
  values: readonly number[];
}

export type RStatus = 'ok' | 'error' | 'timeout';

export interface RResult {
  status: RStatus;
  /** Fit + forecast, measured inside R. */
  elapsedS: number;
  /** CPU seconds (user + system, including child processes) over the same interval. */
  cpuS: number;
  /** R's description of the fitted model, e.g. "STL +  ETS(A,N,N)". */
  model: string;
  mean: number[];
  /** Upper bound of the 80 % interval = the 0.9 quantile. */
  upper: number[];
  /** The error, or the warnings R gave. */
  message: string;
}

/** A number as R's as.numeric reads it back exactly: shortest round-trip decimal, NaN as NA. */
const rNumber = (v: number): string => (Number.isFinite(v) ? String(v) : 'NA');

export function encodeRInput(tasks: readonly RTask[]): string {
  const lines = ['id\th\tfreq\tperiods\tvalues'];
  for (const t of tasks) {
    if (/[\t\s]/.test(t.id)) throw new RangeError(`R task id ${JSON.stringify(t.id)} must not contain whitespace`);
    if (t.values.length === 0) throw new RangeError(`R task ${t.id} has no values`);
    lines.push([t.id, String(t.h), String(t.freq), t.periods.join(','), t.values.map(rNumber).join(' ')].join('\t'));
  }
  return `${lines.join('\n')}\n`;
}

const HEADER = 'id\tmethod\tstatus\telapsed_s\tcpu_s\tmodel\tmean\tupper80\tmessage';

/** R writes NA, NaN, Inf, -Inf; Number() reads each of them as NaN, which is "no value" here (never scored). */
const parseNumbers = (text: string): number[] => (text.trim() === '' ? [] : text.trim().split(' ').map((s) => Number(s)));

/**
 * Reads forecast.R's output: task id → method → result. A line cut short (R was killed
 * while writing) is ignored, so its fit reads as missing. Throws on a wrong header.
 */
export function parseROutput(text: string): Map<string, Map<string, RResult>> {
  const lines = text.split('\n');
  if ((lines[0] ?? '').trimEnd() !== HEADER) throw new Error(`R output: unexpected header ${JSON.stringify(lines[0] ?? '')}`);
  const out = new Map<string, Map<string, RResult>>();
  for (const line of lines.slice(1)) {
    const cells = line.split('\t');
    if (cells.length !== 9) continue;
    const [id, method, status, elapsed, cpu, model, mean, upper, message] = cells as [string, string, string, string, string, string, string, string, string];
    if (status !== 'ok' && status !== 'error' && status !== 'timeout') continue;
    const result: RResult = { status, elapsedS: Number(elapsed), cpuS: Number(cpu), model, mean: parseNumbers(mean), upper: parseNumbers(upper), message: message.trim() };
    let byMethod = out.get(id);
    if (byMethod === undefined) out.set(id, (byMethod = new Map<string, RResult>()));
    byMethod.set(method, result);
  }
  return out;
}

/** Whether a result can be scored as it is: ok, `h` values, all finite (an upper bound may be missing). */
export function usableForecast(result: RResult | undefined, h: number): result is RResult {
  return result !== undefined && result.status === 'ok' && result.mean.length === h && result.mean.every(Number.isFinite);
}

/** The upper bounds when complete and finite; undefined otherwise (coverage is then not counted). */
export function usableUpper(result: RResult, h: number): number[] | undefined {
  return result.upper.length === h && result.upper.every(Number.isFinite) ? result.upper : undefined;
}

export interface RStatusCounts {
  ok: number;
  error: number;
  timeout: number;
  /** No line for the task (R stopped early) or an unusable forecast (wrong length, non-finite). */
  missing: number;
  /** A few distinct error messages, to say why. */
  messages: string[];
}

/** How one R method fared over `ids` (each with horizon `h`). */
export function statusCounts(results: ReadonlyMap<string, ReadonlyMap<string, RResult>>, ids: readonly { id: string; h: number }[], method: string): RStatusCounts {
  const counts: RStatusCounts = { ok: 0, error: 0, timeout: 0, missing: 0, messages: [] };
  for (const { id, h } of ids) {
    const r = results.get(id)?.get(method);
    if (r === undefined) counts.missing++;
    else if (r.status !== 'ok') counts[r.status]++;
    else if (usableForecast(r, h)) counts.ok++;
    else counts.missing++;
    if (r !== undefined && r.status !== 'ok' && counts.messages.length < 3 && !counts.messages.includes(r.message)) counts.messages.push(r.message);
  }
  return counts;
}

/** "414 ok" or "410 ok, 3 timeout, 1 error (message; …)". */
export function formatStatus(method: string, c: RStatusCounts): string {
  const parts = [`${c.ok} ok`, ...(['error', 'timeout', 'missing'] as const).filter((k) => c[k] > 0).map((k) => `${c[k]} ${k}`)];
  return `${method}: ${parts.join(', ')}${c.messages.length > 0 ? ` (${c.messages.join('; ')})` : ''}`;
}
