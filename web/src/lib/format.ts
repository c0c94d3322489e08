const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** `1536` → `1.5 KiB`. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** `12345` → `12,345` (always with the same separators, whatever the browser's locale). */
export function formatCount(n: number): string {
  return new Intl.NumberFormat('en-US').format(n);
}

/** `2026-11-22T10:15:00Z` → `2026-11-22 10:15 UTC`: unambiguous for teams across time zones. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** `3 minutes ago`, `in 2 days`, `just now`. */
export function relativeTime(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return '—';
  const diff = new Date(iso).getTime() - now;
  if (!Number.isFinite(diff)) return '—';
  const abs = Math.abs(diff);
  if (abs < 45_000) return 'just now';
  const steps: [Intl.RelativeTimeFormatUnit, number][] = [
    ['minute', 60_000],
    ['hour', 3_600_000],
    ['day', 86_400_000],
    ['month', 30 * 86_400_000],
    ['year', 365 * 86_400_000],
  ];
  let chosen = steps[0]!;
  for (const s of steps) if (abs >= s[1]) chosen = s;
  return new Intl.RelativeTimeFormat('en', { numeric: 'auto' }).format(Math.round(diff / chosen[1]), chosen[0]);
}

/** `1234` → `1.2 s`, `125000` → `2 min 5 s`. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const totalSeconds = Math.round(ms / 1000);
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  return h ? `${h} h ${m} min` : `${m} min${s ? ` ${s} s` : ''}`;
}

/** Descriptions come from README text: drop the markdown emphasis and code marks for a one-line summary. */
export function plainText(markdown: string | null | undefined): string {
  return (markdown ?? '').replace(/[*_`]{1,3}([^*_`]+)[*_`]{1,3}/g, '$1').replace(/\[([^\]]+)\]\([^)]*\)/g, '$1');
}

/** A commit or checksum shortened for a table cell; the full value goes in a `title`. */
export function shortHash(hash: string | null | undefined, length = 12): string {
  return hash ? hash.slice(0, length) : '—';
}

/** `Mozilla/5.0 (X11; Linux x86_64) … Chrome/131…` → `Chrome on Linux`: enough to recognise one's own devices. */
export function describeUserAgent(ua: string | null | undefined): string {
  if (!ua) return 'unknown client';
  const browser = [['Edg/', 'Edge'], ['Firefox/', 'Firefox'], ['Chrome/', 'Chrome'], ['Chromium/', 'Chromium'], ['Safari/', 'Safari'], ['curl/', 'curl'], ['HeadlessChrome', 'Headless Chrome']]
    .find(([needle]) => ua.includes(needle!))?.[1];
  const os = [['Windows', 'Windows'], ['Mac OS X', 'macOS'], ['Android', 'Android'], ['iPhone', 'iOS'], ['Linux', 'Linux']].find(([needle]) => ua.includes(needle!))?.[1];
  if (!browser) return ua.length > 40 ? `${ua.slice(0, 40)}…` : ua;
  return os ? `${browser} on ${os}` : browser;
}
