import type { AuditListRow } from '../../../core/db/repos/audit';
import type { AuditEntryView } from './shapes';

export function presentAuditEntry(r: AuditListRow): AuditEntryView {
  return {
    id: String(r.id),
    at: new Date(r.at).toISOString(),
    actor: { type: r.actor_type, id: r.actor_id, label: r.actor_label },
    organization: r.org_name,
    action: r.action,
    target: r.target,
    result: r.result,
    ip: r.ip,
    userAgent: r.user_agent,
    details: r.details ?? {},
  };
}

/** CSV columns of an export, in order. */
export const CSV_COLUMNS = ['id', 'at', 'actor_type', 'actor_id', 'actor_label', 'organization', 'action', 'target', 'result', 'ip', 'user_agent', 'details'] as const;

/**
 * One CSV cell (RFC 4180: always quoted, quotes doubled). A value a spreadsheet would run as a formula (starting
 * with `=`, `+`, `-`, `@`, a tab or a carriage return) is prefixed with `'`, since targets, labels and user agents
 * are chosen by whoever made the request.
 */
export function csvCell(value: string | null): string {
  if (value === null) return '';
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

export function csvRow(e: AuditEntryView): string {
  const cells = [e.id, e.at, e.actor.type, e.actor.id, e.actor.label, e.organization, e.action, e.target, e.result, e.ip, e.userAgent, JSON.stringify(e.details)];
  return `${cells.map(csvCell).join(',')}\r\n`;
}
