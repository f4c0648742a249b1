import { describe, expect, it } from 'vitest';
import { closest, editDistance } from './suggest.js';

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['max', 'max', 0],
    ['mxa', 'max', 1], // one transposition
    ['maxReplica', 'maxReplicas', 1],
    ['stabilisation', 'stabilization', 1],
    ['kitten', 'sitting', 3],
  ])('%s → %s: %d', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });
});

describe('closest', () => {
  const fields = ['minReplicas', 'maxReplicas', 'replicas', 'target'];
  it.each([
    ['maxReplica', 'maxReplicas'],
    ['MaxReplicas', 'maxReplicas'], // case only
    ['targte', 'target'],
    ['rep', 'replicas'], // a prefix of at least three letters
    ['colour', undefined],
    ['ab', undefined], // too short to guess from
  ])('%s → %s', (word, expected) => {
    expect(closest(word, fields)).toBe(expected);
  });
});
