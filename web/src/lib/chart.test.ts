import { describe, expect, it } from 'vitest';
import { chartGeometry, niceCeil } from './chart';

describe('download chart geometry', () => {
  it('rounds the axis up to a readable number', () => {
    expect([0, 1, 3, 7, 11, 180, 1000].map(niceCeil)).toEqual([1, 1, 5, 10, 20, 200, 1000]);
  });

  it('draws one bar per day, proportional to its count, anchored at the bottom', () => {
    const g = chartGeometry(
      [
        { day: '2026-01-01', count: 0 },
        { day: '2026-01-02', count: 5 },
        { day: '2026-01-03', count: 10 },
        { day: '2026-01-04', count: 2 },
      ],
      400,
      100,
    );
    expect(g.max).toBe(10);
    expect(g.bars.map((b) => b.height)).toEqual([0, 50, 100, 20]);
    expect(g.bars.map((b) => b.y)).toEqual([100, 50, 0, 80]);
    expect(g.bars[1]!.x).toBeCloseTo(100.5);
    expect(g.total).toBe(17);
    expect(g.peak).toEqual({ day: '2026-01-03', count: 10 });
    expect(g.ticks.map((t) => t.value)).toEqual([0, 5, 10]);
  });

  it('handles a series with no downloads', () => {
    const g = chartGeometry([{ day: '2026-01-01', count: 0 }], 100, 50);
    expect(g.peak).toBeNull();
    expect(g.max).toBe(1);
    expect(g.bars[0]!.height).toBe(0);
    expect(g.ticks.map((t) => t.value)).toEqual([0, 1]);
  });
});
