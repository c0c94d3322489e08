import { Readable } from 'node:stream';
import Router from '@koa/router';
import type { Context } from 'koa';
import { auditEntries, auditQuery, type AuditQuery } from '../../../core/db/repos/audit';
import { findOrgByName } from '../../../core/db/repos/organizations';
import { NotFound } from '../../../core/errors';
import type { AppDeps, AppState } from '../../deps';
import { authorize } from '../../authz';
import { visibleOrg } from '../orgs/lookup';
import { CSV_COLUMNS, csvRow, presentAuditEntry } from './present';
import { auditExportQuery, auditListQuery, platformScope, type AuditFilters } from './schemas';
import type { AuditPage } from './shapes';

type Ctx = Context & { state: AppState };

function toQuery(f: AuditFilters): Omit<AuditQuery, 'orgIds' | 'limit'> {
  return {
    actor: f.actor,
    action: f.action,
    target: f.target,
    since: f.since ? new Date(f.since) : undefined,
    until: f.until ? new Date(f.until) : undefined,
    q: f.q,
  };
}

/**
 * The audit log: an organisation's (its admins and owners, platform admins) and the whole platform's (platform
 * admins; it also holds entries of no organisation, such as sign-ins). Paginated newest first with a keyset
 * cursor; exported as CSV or NDJSON, streamed in pages.
 */
export function auditRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1' });

  /** The organisations the request may read the log of: one, or all (null) for the platform-wide routes. */
  const orgScope = async (ctx: Ctx, platformWide: boolean): Promise<{ orgIds: string[] | null; label: string }> => {
    if (!platformWide) {
      const org = await visibleOrg(deps.db, ctx, String(ctx.params.org));
      authorize(ctx, 'org.manage', { orgId: org.id });
      return { orgIds: [org.id], label: org.name };
    }
    authorize(ctx, 'platform.admin');
    const { org: name } = platformScope.parse(ctx.query);
    if (!name) return { orgIds: null, label: 'platform' };
    const org = await findOrgByName(deps.db, name);
    if (!org) throw new NotFound(`no organisation ${name}`);
    return { orgIds: [org.id], label: org.name };
  };

  const list = (platformWide: boolean) => async (ctx: Ctx) => {
    const scope = await orgScope(ctx, platformWide);
    const input = auditListQuery.parse(ctx.query);
    // One more than asked tells whether another page follows.
    const rows = await auditQuery(deps.db, { ...toQuery(input), orgIds: scope.orgIds, before: input.cursor, limit: input.limit + 1 });
    const items = rows.slice(0, input.limit).map(presentAuditEntry);
    const body: AuditPage = { items, nextCursor: rows.length > input.limit ? items[items.length - 1]!.id : null };
    ctx.body = body;
  };

  const exportLog = (platformWide: boolean) => async (ctx: Ctx) => {
    const scope = await orgScope(ctx, platformWide);
    const input = auditExportQuery.parse(ctx.query);
    const entries = auditEntries(deps.db, { ...toQuery(input), orgIds: scope.orgIds });
    const csv = input.format === 'csv';
    async function* lines() {
      if (csv) yield `${CSV_COLUMNS.join(',')}\r\n`;
      for await (const row of entries) {
        const entry = presentAuditEntry(row);
        yield csv ? csvRow(entry) : `${JSON.stringify(entry)}\n`;
      }
    }
    const day = new Date().toISOString().slice(0, 10);
    const file = `strata-audit-${scope.label.replace(/[^A-Za-z0-9_-]/g, '_')}-${day}.${csv ? 'csv' : 'ndjson'}`;
    ctx.set('Content-Disposition', `attachment; filename="${file}"`);
    ctx.set('Cache-Control', 'no-store');
    ctx.type = csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson';
    ctx.body = Readable.from(lines());
  };

  router.get('/orgs/:org/audit', list(false));
  router.get('/orgs/:org/audit/export', exportLog(false));
  router.get('/audit', list(true));
  router.get('/audit/export', exportLog(true));
  return router;
}
