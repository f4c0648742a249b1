import { describe, expect, it } from 'vitest';
import { assertNever, millis } from './units.js';

describe('units', () => {
  it('brands are plain numbers at run time', () => {
    expect(millis(1500) + 500).toBe(2000);
  });
  it('assertNever names the unexpected value', () => {
    expect(() => assertNever('x' as never, 'step')).toThrow('unexpected step: "x"');
  });
});
