import { describe, expect, it } from 'vitest';
import { dailySeries } from './daily-series';

describe('daily download series', () => {
  it('covers every day up to today, zeros where nothing was counted, across month ends', () => {
    expect(dailySeries('2026-03-02', 4, [{ day: '2026-02-28', count: 3 }, { day: '2026-03-02', count: 1 }])).toEqual([
      { day: '2026-02-27', count: 0 },
      { day: '2026-02-28', count: 3 },
      { day: '2026-03-01', count: 0 },
      { day: '2026-03-02', count: 1 },
    ]);
  });
});
