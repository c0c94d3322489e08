export interface Bar {
  day: string;
  count: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface ChartGeometry {
  bars: Bar[];
  /** The y-axis top, a "nice" number ≥ the largest count (at least 1). */
  max: number;
  /** Horizontal grid lines: value and y position. */
  ticks: { value: number; y: number }[];
  total: number;
  peak: { day: string; count: number } | null;
}

/** 1, 2, 5, 10, 20, 50 … : the smallest such number ≥ n. */
export function niceCeil(n: number): number {
  if (n <= 1) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(n));
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= n) return step * magnitude;
  return 10 * magnitude;
}

/**
 * Lays out a daily series as bars in a `width` × `height` plot area (y grows downwards, as in SVG). Pure, so
 * the component stays a thin template and the arithmetic is tested.
 */
export function chartGeometry(days: { day: string; count: number }[], width: number, height: number): ChartGeometry {
  const total = days.reduce((n, d) => n + d.count, 0);
  const largest = days.reduce((m, d) => Math.max(m, d.count), 0);
  const max = niceCeil(largest);
  const slot = days.length ? width / days.length : width;
  const gap = slot > 4 ? 1 : 0;
  const bars = days.map((d, i) => {
    const h = (d.count / max) * height;
    return { day: d.day, count: d.count, x: i * slot + gap / 2, y: height - h, width: Math.max(slot - gap, 0.5), height: h };
  });
  // Whole numbers only: with a small maximum the middle line would repeat one of the others.
  const ticks = [...new Set([0, Math.round(max / 2), max])].map((value) => ({ value, y: height - (value / max) * height }));
  let peak: ChartGeometry['peak'] = null;
  for (const d of days) if (d.count > 0 && (!peak || d.count > peak.count)) peak = { day: d.day, count: d.count };
  return { bars, max, ticks, total, peak };
}
