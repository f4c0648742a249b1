// The Palmer penguins data (vega-datasets penguins.json; CC0, Allison Horst and Kristen
// Gorman / Palmer Station LTER) as clean feature rows, and a seeded, stratified train/test
// split. Cleaning and splitting are pure; only readPenguinRows touches the disk.
import { readFileSync } from 'node:fs';
import { penguinsJsonPath } from './paths.js';
import { mulberry32, shuffled } from '../spec/random.js';

/** Class index order of every model output: label 0 is Adelie, 1 Chinstrap, 2 Gentoo. */
export const SPECIES = ['Adelie', 'Chinstrap', 'Gentoo'] as const;

/** Feature order of the `features` input, in the names the palmerpenguins R package uses. */
export const FEATURES = ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g'] as const;

// vega-datasets says "Beak" where palmerpenguins says "bill"; same measurements, same order as FEATURES.
const SOURCE_KEYS = ['Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)'] as const;

export interface Penguin {
  readonly features: readonly number[]; // FEATURES order
  readonly label: number; // index into SPECIES
}

export interface Split {
  readonly train: readonly Penguin[];
  readonly test: readonly Penguin[];
}

export function readPenguinRows(path = penguinsJsonPath()): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/**
 * Keeps rows with a known species and all four measurements as finite numbers; drops the
 * rest (in vega-datasets 3.2.1: 2 of 344 rows, each missing every measurement; rows
 * missing only Sex are kept because Sex is not a feature).
 */
export function cleanPenguins(rows: unknown): { penguins: Penguin[]; dropped: number } {
  if (!Array.isArray(rows)) throw new TypeError('penguins data must be a JSON array of rows');
  const penguins: Penguin[] = [];
  for (const row of rows as unknown[]) {
    const penguin = parseRow(row);
    if (penguin) penguins.push(penguin);
  }
  return { penguins, dropped: rows.length - penguins.length };
}

function parseRow(row: unknown): Penguin | undefined {
  if (typeof row !== 'object' || row === null) return undefined;
  const record = row as Record<string, unknown>;
  const label = SPECIES.indexOf(record['Species'] as (typeof SPECIES)[number]);
  const features = SOURCE_KEYS.map((key) => record[key]);
  if (label < 0 || !features.every((v): v is number => typeof v === 'number' && Number.isFinite(v))) return undefined;
  return { features, label };
}

/**
 * Stratified split: within each species, shuffle with mulberry32(seed) and hold out
 * round(n · testFraction) rows, so the rarer Chinstrap class (68 of 342) is in the test set
 * in the same proportion as in the data. Example at 0.2: Adelie 151 → 30, Chinstrap 68 → 14
 * (13.6 rounds up), Gentoo 123 → 25, i.e. 69 test rows and 273 training rows.
 * Both halves keep the input's order, so neither depends on the shuffle beyond membership.
 */
export function splitPenguins(penguins: readonly Penguin[], seed: number, testFraction = 0.2): Split {
  if (!(testFraction >= 0 && testFraction <= 1)) throw new RangeError(`testFraction = ${testFraction}, must be in [0, 1]`);
  const random = mulberry32(seed);
  const inTest = new Set<number>();
  // One generator, classes visited in SPECIES order: the draws per class are fixed by the seed.
  SPECIES.forEach((_, label) => {
    const indices = penguins.flatMap((p, i) => (p.label === label ? [i] : []));
    const held = Math.round(indices.length * testFraction);
    for (const i of shuffled(indices, random).slice(0, held)) inTest.add(i);
  });
  return {
    train: penguins.filter((_, i) => !inTest.has(i)),
    test: penguins.filter((_, i) => inTest.has(i)),
  };
}
