import { describe, expect, it } from 'vitest';
import { auditFilterFromQuery, fromLocalInput, toLocalInput } from './audit';

describe('audit filters', () => {
  it('reads the filters from the URL, dropping empty and unknown ones', () => {
    expect(auditFilterFromQuery(new URLSearchParams('actor=ann&action=&q=%20login%20&cursor=c1&other=x'))).toEqual({ actor: 'ann', q: 'login' });
  });

  it('round-trips a datetime-local value through the URL', () => {
    const iso = fromLocalInput('2026-12-01T09:30');
    expect(iso).toMatch(/^2026-1[12]-\d\dT\d\d:30:00\.000Z$/);
    expect(toLocalInput(iso)).toBe('2026-12-01T09:30');
    expect(fromLocalInput('')).toBe('');
    expect(toLocalInput('not a date')).toBe('');
  });
});
