// Cleaning keeps exactly the usable rows, and the seeded split is a stratified partition
// that depends on the seed alone.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SPECIES, cleanPenguins, readPenguinRows, splitPenguins, type Penguin } from './penguins-data.js';
import { mulberry32, shuffled } from '../spec/random.js';

const { penguins, dropped } = cleanPenguins(readPenguinRows());
const countBy = (rows: readonly Penguin[]): number[] => SPECIES.map((_, label) => rows.filter((p) => p.label === label).length);

describe('cleanPenguins', () => {
  it('keeps 342 of the 344 vega-datasets rows (two have no measurements at all)', () => {
    expect(penguins).toHaveLength(342);
    expect(dropped).toBe(2);
    expect(countBy(penguins)).toEqual([151, 68, 123]); // Adelie, Chinstrap, Gentoo
    // First row of the file: Adelie, Torgersen, 39.1 mm, 18.7 mm, 181 mm, 3750 g.
    expect(penguins[0]).toEqual({ features: [39.1, 18.7, 181, 3750], label: 0 });
  });

  it.each([
    ['a null measurement', { 'Beak Length (mm)': null }],
    ['a string measurement', { 'Body Mass (g)': '3750' }],
    ['an unknown species', { Species: 'Emperor' }],
    ['no species', { Species: null }],
  ])('drops a row with %s, but not one missing only Sex', (_, patch) => {
    const good = { Species: 'Gentoo', 'Beak Length (mm)': 45, 'Beak Depth (mm)': 15, 'Flipper Length (mm)': 215, 'Body Mass (g)': 5000, Sex: null };
    expect(cleanPenguins([good, { ...good, ...patch }, 'not a row', null])).toEqual({
      penguins: [{ features: [45, 15, 215, 5000], label: 2 }],
      dropped: 3,
    });
  });

  it('refuses data that is not an array', () => {
    expect(() => cleanPenguins({ rows: [] })).toThrow('penguins data must be a JSON array of rows');
  });
});

describe('splitPenguins', () => {
  it('holds out round(20 %) of each species: 30 + 14 + 25 = 69 test rows', () => {
    const { train, test } = splitPenguins(penguins, 42, 0.2);
    expect(countBy(test)).toEqual([30, 14, 25]);
    expect(countBy(train)).toEqual([121, 54, 98]);
  });

  it('is a partition that keeps input order, and the same seed gives the same split', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const a = splitPenguins(penguins, seed);
        const b = splitPenguins(penguins, seed);
        expect(a).toEqual(b);
        const position = new Map(penguins.map((p, i) => [p, i]));
        const indices = (rows: readonly Penguin[]): number[] => rows.map((p) => position.get(p) as number);
        const all = [...indices(a.train), ...indices(a.test)].sort((x, y) => x - y);
        expect(all).toEqual(penguins.map((_, i) => i));
        for (const half of [indices(a.train), indices(a.test)]) expect(half).toEqual([...half].sort((x, y) => x - y));
      }),
      { numRuns: 50 },
    );
  });

  it('depends on the seed', () => {
    expect(splitPenguins(penguins, 1).test).not.toEqual(splitPenguins(penguins, 2).test);
  });
});

describe('mulberry32 and shuffled', () => {
  it('draws in [0, 1), repeats a stream for a seed, and shuffles a copy into a permutation', () => {
    fc.assert(
      fc.property(fc.integer(), fc.array(fc.integer(), { maxLength: 30 }), (seed, items) => {
        const a = mulberry32(seed);
        const b = mulberry32(seed);
        for (let i = 0; i < 20; i++) {
          const x = a();
          expect(x).toBe(b());
          expect(x >= 0 && x < 1).toBe(true);
        }
        const before = [...items];
        const out = shuffled(items, mulberry32(seed));
        expect(items).toEqual(before);
        expect([...out].sort((x, y) => x - y)).toEqual([...items].sort((x, y) => x - y));
      }),
    );
  });
});
