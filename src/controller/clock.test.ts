import { describe, expect, it } from 'vitest';
import { ManualTime } from './clock.js';

describe('ManualTime', () => {
  it('fires callbacks in time order, ties in scheduling order, and moves now with them', () => {
    const t = new ManualTime(1000);
    const seen: string[] = [];
    t.after(50, () => seen.push(`b@${t.now()}`));
    t.after(10, () => seen.push(`a@${t.now()}`));
    t.after(50, () => seen.push(`c@${t.now()}`));
    t.advance(49);
    expect(seen).toEqual(['a@1010']);
    t.advance(1);
    expect(seen).toEqual(['a@1010', 'b@1050', 'c@1050']);
    expect(t.now()).toBe(1050);
  });

  it('runs callbacks scheduled by callbacks inside the same window, and skips cancelled ones', () => {
    const t = new ManualTime();
    const seen: number[] = [];
    const cancel = t.after(5, () => seen.push(-1));
    t.after(10, () => t.after(10, () => seen.push(t.now())));
    cancel();
    t.advance(30);
    expect(seen).toEqual([20]);
    expect(t.pendingCount).toBe(0);
  });
});
