import type { AuditFilter } from './types';

const FIELDS = ['actor', 'action', 'target', 'since', 'until', 'q'] as const;

/** The audit page's filters as the URL holds them (empty values dropped). */
export function auditFilterFromQuery(query: URLSearchParams): AuditFilter {
  const filter: AuditFilter = {};
  for (const f of FIELDS) {
    const v = query.get(f)?.trim();
    if (v) filter[f] = v;
  }
  return filter;
}

/** A `datetime-local` input's value (the user's local time) as an ISO instant for the API; '' stays ''. */
export function fromLocalInput(value: string): string {
  if (!value) return '';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}

/** An ISO instant from the URL as a `datetime-local` value in the user's time zone. */
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const local = new Date(d.getTime() - d.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}
