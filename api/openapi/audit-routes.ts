import { z } from 'zod';
import { orgParams } from '../routes/orgs/schemas';
import { auditExportQuery, auditListQuery, platformScope } from '../routes/audit/schemas';
import { auditPage } from '../routes/audit/shapes';
import { ok, type RouteSpec } from './route-spec';

const exported = {
  description: 'CSV (one row per entry, cells quoted, formula-like cells prefixed with \') or NDJSON (one entry per line, `application/x-ndjson`), as an attachment',
  schema: z.string(),
  mediaType: 'text/csv',
};

/** The audit log: per organisation (admins) and platform-wide (platform admins), listed and exported. */
export const auditRoutes: RouteSpec[] = [
  {
    method: 'get',
    path: '/api/v1/orgs/{org}/audit',
    summary: "The organisation's audit log, newest first (admins and owners)",
    auth: true,
    params: orgParams,
    query: auditListQuery,
    responses: { 200: ok('page', auditPage) },
    errors: [400, 401, 403, 404],
  },
  {
    method: 'get',
    path: '/api/v1/orgs/{org}/audit/export',
    summary: "Export the organisation's audit log (streamed)",
    auth: true,
    params: orgParams,
    query: auditExportQuery,
    responses: { 200: exported },
    errors: [400, 401, 403, 404],
  },
  {
    method: 'get',
    path: '/api/v1/audit',
    summary: 'The whole audit log, including entries of no organisation such as sign-ins (platform admins)',
    auth: true,
    query: auditListQuery.extend(platformScope.shape),
    responses: { 200: ok('page', auditPage) },
    errors: [400, 401, 403, 404],
  },
  {
    method: 'get',
    path: '/api/v1/audit/export',
    summary: 'Export the whole audit log (platform admins, streamed)',
    auth: true,
    query: auditExportQuery.extend(platformScope.shape),
    responses: { 200: exported },
    errors: [400, 401, 403, 404],
  },
];
