import type { DayCount } from '../../../core/db/repos/download-stats';

function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Every day from `to - days + 1` to `to`, zero where nothing was counted: a chart needs the gaps too. */
export function dailySeries(to: string, days: number, counted: DayCount[]): DayCount[] {
  const byDay = new Map(counted.map((c) => [c.day, c.count]));
  const out: DayCount[] = [];
  for (let i = days - 1; i >= 0; i--) {
    const day = addDays(to, -i);
    out.push({ day, count: byDay.get(day) ?? 0 });
  }
  return out;
}
