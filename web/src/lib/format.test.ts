import { describe, expect, it } from 'vitest';
import { formatBytes, formatDateTime, formatDuration, relativeTime } from './format';

describe('formatting', () => {
  it('formats sizes in binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(200 * 1024 * 1024)).toBe('200 MiB');
  });

  it('formats durations for people', () => {
    expect(formatDuration(240)).toBe('240 ms');
    expect(formatDuration(1234)).toBe('1.2 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
    expect(formatDuration(null)).toBe('—');
  });

  it('shows times in UTC and relative to now', () => {
    expect(formatDateTime('2026-11-22T10:15:42Z')).toBe('2026-11-22 10:15 UTC');
    const now = Date.parse('2026-11-22T12:00:00Z');
    expect(relativeTime('2026-11-22T11:59:50Z', now)).toBe('just now');
    expect(relativeTime('2026-11-22T11:57:00Z', now)).toBe('3 minutes ago');
    expect(relativeTime('2026-11-20T12:00:00Z', now)).toBe('2 days ago');
  });
});

describe('plain descriptions', async () => {
  const { plainText } = await import('./format');
  it('drops emphasis, code marks and link targets', () => {
    expect(plainText('Creates a **VPC** with `cidr` and [docs](https://x.example)')).toBe('Creates a VPC with cidr and docs');
    expect(plainText(null)).toBe('');
  });
});
