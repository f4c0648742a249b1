// Reading the M4 competition's CSV layout and splitting a series for holdout evaluation.
// Layout (Mcompetitions/M4-methods Dataset/Train/*-train.csv): a header row "V1","V2",…;
// then one row per series: a quoted id such as "H1", then quoted values, then empty cells
// padding shorter series to the width of the longest. Pure: the caller reads the file.

/** A parse failure, naming the 1-based line (and column when a cell is at fault). */
export class M4ParseError extends Error {
  override readonly name = 'M4ParseError';
  constructor(
    readonly line: number,
    readonly reason: string,
    readonly column?: number,
  ) {
    super(`line ${line}${column === undefined ? '' : `, column ${column}`}: ${reason}`);
  }
}

export interface M4Series {
  id: string;
  values: number[];
}

function unquote(cell: string): string {
  return cell.length >= 2 && cell.startsWith('"') && cell.endsWith('"') ? cell.slice(1, -1) : cell;
}

/**
 * Parses M4-layout text into series in file order. Cells are split on commas: the M4 files
 * have no commas or escaped quotes inside cells, so a full RFC 4180 reader is not needed.
 * Rejects (with the line): a missing or wrong header, a row wider than the header, an
 * empty id, a duplicate id, a non-numeric value, a gap (an empty cell followed by a value),
 * and a row with no values. Blank lines (e.g. the final newline) are skipped; CRLF is accepted.
 */
export function parseM4Csv(text: string): M4Series[] {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map(unquote);
  if (header[0] !== 'V1') throw new M4ParseError(1, `expected a header starting with "V1", found ${JSON.stringify(lines[0]?.slice(0, 20) ?? '')}`);
  const width = header.length;
  const series: M4Series[] = [];
  const seen = new Set<string>();
  for (let i = 1; i < lines.length; i++) {
    const line = i + 1;
    const raw = lines[i] as string;
    if (raw.trim() === '') continue;
    const cells = raw.split(',');
    if (cells.length > width) throw new M4ParseError(line, `${cells.length} cells but the header has ${width}`);
    const id = unquote((cells[0] as string).trim());
    if (id === '') throw new M4ParseError(line, 'the series id is empty', 1);
    if (seen.has(id)) throw new M4ParseError(line, `duplicate series id ${JSON.stringify(id)}`, 1);
    seen.add(id);
    const values: number[] = [];
    let ended = false;
    for (let c = 1; c < cells.length; c++) {
      const cell = unquote((cells[c] as string).trim());
      if (cell === '') {
        ended = true;
        continue;
      }
      if (ended) throw new M4ParseError(line, `value ${JSON.stringify(cell)} after an empty cell (gaps are not allowed)`, c + 1);
      // Number('') and Number(' ') are 0, so emptiness was handled above; reject NaN/Infinity text too.
      const v = Number(cell);
      if (!Number.isFinite(v)) throw new M4ParseError(line, `${JSON.stringify(cell)} is not a number`, c + 1);
      values.push(v);
    }
    if (values.length === 0) throw new M4ParseError(line, `series ${JSON.stringify(id)} has no values`);
    series.push({ id, values });
  }
  return series;
}

/**
 * Holdout split for M4-style evaluation: the last h points are the test set, the rest the
 * training history (the M4 hourly horizon is 48). Returns copies; the input is not changed.
 * Throws RangeError unless h is an integer with 1 ≤ h < values.length (at least one point
 * must remain to forecast from).
 */
export function holdout(values: readonly number[], h: number): { train: number[]; test: number[] } {
  if (!Number.isInteger(h) || h < 1 || h >= values.length) {
    throw new RangeError(`holdout h must be an integer in [1, ${values.length - 1}]; got ${h}`);
  }
  const cut = values.length - h;
  return { train: values.slice(0, cut), test: values.slice(cut) };
}
