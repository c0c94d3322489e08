import { z } from 'zod';
import { accepted } from '../routes/common-shapes';
import { activityListQuery } from '../routes/activity/schemas';
import { workflowPage, workflowView } from '../routes/activity/shapes';
import { addKey, deleteQuery } from '../routes/gpg-keys/schemas';
import { gpgKey, gpgKeyList } from '../routes/gpg-keys/shapes';
import { liveness, readiness } from '../routes/health/shapes';
import { moduleListQuery, waitQuery } from '../routes/modules/schemas';
import { moduleDetail, modulePage, modulePublished, moduleVersion } from '../routes/modules/shapes';
import { providerListQuery } from '../routes/providers/schemas';
import { providerDetail, providerPage, providerPublished } from '../routes/providers/shapes';
import { catalogQuery } from '../routes/search/schemas';
import { catalogPage } from '../routes/search/shapes';
import { downloadsQuery } from '../routes/stats/schemas';
import { downloadSeries } from '../routes/stats/shapes';
import { createToken } from '../routes/tokens/schemas';
import { apiTokenList, createdToken } from '../routes/tokens/shapes';
import { connectionInput, linkInput, listQuery as vcsListQuery, tagsQuery } from '../routes/vcs/schemas';
import {
  vcsConnection,
  vcsConnectionChecked,
  vcsConnectionList,
  vcsDeliveryList,
  vcsKind,
  vcsLink,
  vcsLinkCreated,
  vcsRepositoryList,
  vcsSyncAccepted,
  vcsSyncDone,
  vcsTagPreviewList,
  vcsViolationList,
  webhookAccepted,
} from '../routes/vcs/shapes';
import { auditRoutes } from './audit-routes';
import { credentialsRoutes } from './credentials-routes';
import { pluginsRoutes } from './plugins-routes';
import { identityRoutes } from './identity-routes';
import { teamsRoutes } from './teams-routes';
import { runsRoutes } from './runs-routes';
import { deploymentsRoutes } from './deployments-routes';
import { webhooksRoutes } from './webhooks-routes';
import { loginRoutes } from './login-routes';
import { notificationsRoutes } from './notifications-routes';
import { ssoRoutes } from './sso-routes';
import { stateRoutes } from './state-routes';
import { workloadIdentityRoutes } from './workload-identity-routes';
import * as protocol from './protocol-shapes';
import {
  binary,
  moduleParams,
  moduleVersionParams,
  namespaceParam,
  ok,
  providerParams,
  providerVersionParams,
  type RouteSpec,
} from './route-spec';

const workflowIdParams = z.object({ workflowId: z.string().max(512) });
const connectionParams = z.object({ id: z.uuid() });
const gpgKeyParams = z.object({ namespace: namespaceParam });
const webhookParams = z.object({ provider: vcsKind });
const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': schema });

/** The registry protocols, served by the fast path in front of Koa. */
const protocolRoutes: RouteSpec[] = [
  { method: 'get', path: '/.well-known/terraform.json', protocol: true, summary: 'Service discovery', responses: { 200: ok('services', protocol.discovery) }, errors: [] },
  {
    method: 'get',
    path: '/v1/modules/{namespace}/{name}/{system}/versions',
    protocol: true,
    summary: 'Module versions',
    params: moduleParams,
    responses: { 200: ok('versions, highest first', protocol.moduleVersionList) },
    errors: [404],
  },
  {
    method: 'get',
    path: '/v1/modules/{namespace}/{name}/{system}/{version}/download',
    protocol: true,
    summary: 'Module download location',
    description: 'The archive URL is in the `X-Terraform-Get` header: a signed, expiring URL that needs no token.',
    params: moduleVersionParams,
    responses: { 204: ok('X-Terraform-Get') },
    errors: [404],
  },
  {
    method: 'get',
    path: '/v1/providers/{namespace}/{type}/versions',
    protocol: true,
    summary: 'Provider versions',
    params: providerParams,
    responses: { 200: ok('versions, highest first', protocol.providerVersionList) },
    errors: [404],
  },
  {
    method: 'get',
    path: '/v1/providers/{namespace}/{type}/{version}/download/{os}/{arch}',
    protocol: true,
    summary: 'Find a provider package',
    params: providerVersionParams.extend({ os: z.string(), arch: z.string() }),
    responses: { 200: ok('package', protocol.providerPackage) },
    errors: [404],
  },
  {
    method: 'get',
    path: '/v1/mirror/{hostname}/{namespace}/{type}/index.json',
    protocol: true,
    summary: 'Mirror: versions',
    params: providerParams.extend({ hostname: z.string() }),
    responses: { 200: ok('versions', protocol.mirrorIndex) },
    errors: [404],
  },
  {
    method: 'get',
    path: '/v1/mirror/{hostname}/{namespace}/{type}/{version}.json',
    protocol: true,
    summary: 'Mirror: archives of a version with their hashes',
    params: providerVersionParams.extend({ hostname: z.string() }),
    responses: { 200: ok('archives', protocol.mirrorVersion) },
    errors: [404],
  },
];

const healthRoutes: RouteSpec[] = [
  { method: 'get', path: '/healthz', summary: 'Liveness', responses: { 200: ok('alive', liveness) }, errors: [] },
  { method: 'get', path: '/readyz', summary: 'Readiness', responses: { 200: ok('ready', readiness), 503: ok('not ready', readiness) }, errors: [] },
  { method: 'get', path: '/api/openapi.json', summary: 'This document', responses: { 200: ok('OpenAPI 3.1', z.record(z.string(), z.unknown())) }, errors: [] },
];

const catalogRoutes: RouteSpec[] = [
  {
    method: 'get',
    path: '/api/v1/search',
    summary: 'Search modules and providers together, sorted and paginated, with filter facets',
    query: catalogQuery,
    responses: { 200: ok('page', catalogPage) },
    errors: [400],
  },
  { method: 'get', path: '/api/v1/modules', summary: 'Search modules', query: moduleListQuery, responses: { 200: ok('page', modulePage) }, errors: [400] },
  {
    method: 'get',
    path: '/api/v1/modules/{namespace}/{name}/{system}',
    summary: 'Module detail, versions highest first',
    params: moduleParams,
    responses: { 200: ok('module', moduleDetail) },
    errors: [400, 404],
  },
  {
    method: 'get',
    path: '/api/v1/modules/{namespace}/{name}/{system}/{version}',
    summary: 'Module version',
    params: moduleVersionParams,
    responses: { 200: ok('version', moduleVersion) },
    errors: [400, 404],
  },
  {
    method: 'post',
    path: '/api/v1/modules/{namespace}/{name}/{system}/{version}',
    summary: 'Upload a module archive',
    auth: true,
    params: moduleVersionParams,
    query: waitQuery,
    body: { 'application/gzip': binary, 'application/zip': binary },
    responses: { 201: ok('published (with ?wait=true)', modulePublished), 202: ok('started', accepted) },
    errors: [400, 401, 408, 409, 413, 415, 422],
  },
  {
    method: 'get',
    path: '/api/v1/modules/{namespace}/{name}/{system}/downloads',
    summary: 'Daily download counts',
    params: moduleParams,
    query: downloadsQuery,
    responses: { 200: ok('series', downloadSeries) },
    errors: [400, 404],
  },
  { method: 'get', path: '/api/v1/providers', summary: 'Search providers', query: providerListQuery, responses: { 200: ok('page', providerPage) }, errors: [400] },
  {
    method: 'get',
    path: '/api/v1/providers/{namespace}/{type}',
    summary: 'Provider detail, versions highest first',
    params: providerParams,
    responses: { 200: ok('provider', providerDetail) },
    errors: [400, 404],
  },
  {
    method: 'post',
    path: '/api/v1/providers/{namespace}/{type}/{version}',
    summary: 'Upload provider release files',
    auth: true,
    params: providerVersionParams,
    query: waitQuery,
    body: { 'multipart/form-data': z.object({ protocols: z.string().optional(), file: z.array(binary) }) },
    responses: { 201: ok('published (with ?wait=true)', providerPublished), 202: ok('started', accepted) },
    errors: [400, 401, 408, 409, 413, 415, 422],
  },
  {
    method: 'get',
    path: '/api/v1/namespaces/{namespace}/gpg-keys',
    summary: 'Signing keys',
    params: gpgKeyParams,
    responses: { 200: ok('keys', gpgKeyList) },
    errors: [400],
  },
  {
    method: 'post',
    path: '/api/v1/namespaces/{namespace}/gpg-keys',
    summary: 'Add a signing key',
    auth: true,
    params: gpgKeyParams,
    body: json(addKey),
    responses: { 201: ok('added', gpgKey) },
    errors: [400, 401, 409, 413, 415, 422],
  },
  {
    method: 'delete',
    path: '/api/v1/namespaces/{namespace}/gpg-keys/{keyId}',
    summary: 'Remove a signing key',
    auth: true,
    params: gpgKeyParams.extend({ keyId: z.string() }),
    query: deleteQuery,
    responses: { 200: ok('revoked (it signed published versions and ?force=true)', gpgKey), 204: ok('removed') },
    errors: [400, 401, 404, 409],
  },
];

const accessRoutes: RouteSpec[] = [
  { method: 'get', path: '/api/v1/tokens', summary: 'API tokens', auth: true, responses: { 200: ok('tokens', apiTokenList) }, errors: [401] },
  {
    method: 'post',
    path: '/api/v1/tokens',
    summary: 'Create an API token (shown once)',
    auth: true,
    body: json(createToken),
    responses: { 201: ok('created', createdToken) },
    errors: [400, 401, 413, 415],
  },
  { method: 'delete', path: '/api/v1/tokens/{id}', summary: 'Revoke a token', auth: true, params: z.object({ id: z.string() }), responses: { 204: ok('revoked') }, errors: [401, 404] },
];

const workflowRoutes: RouteSpec[] = [
  {
    method: 'get',
    path: '/api/v1/workflows',
    summary: 'Strata workflows (running and recent) from Temporal visibility',
    auth: true,
    query: activityListQuery,
    responses: { 200: ok('page', workflowPage) },
    errors: [400, 401],
  },
  {
    method: 'get',
    path: '/api/v1/workflows/{workflowId}',
    summary: 'Workflow status',
    auth: true,
    params: workflowIdParams,
    responses: { 200: ok('status', workflowView) },
    errors: [400, 401, 404],
  },
  {
    method: 'get',
    path: '/api/v1/workflows/{workflowId}/events',
    summary: 'Live status and progress as Server-Sent Events (token also accepted as ?token=, for EventSource)',
    description: '`event: status` with the workflow status JSON whenever it changes, then `event: end` once it has closed.',
    auth: true,
    params: workflowIdParams,
    query: z.object({ token: z.string().optional() }),
    responses: { 200: { description: 'status events, then end', schema: z.string(), mediaType: 'text/event-stream' } },
    errors: [400, 401, 404],
  },
];

const linkPath = '/api/v1/modules/{namespace}/{name}/{system}/vcs';
const vcsRoutes: RouteSpec[] = [
  { method: 'get', path: '/api/v1/vcs/connections', summary: 'VCS connections (tokens and app keys are never returned)', auth: true, responses: { 200: ok('connections', vcsConnectionList) }, errors: [401] },
  {
    method: 'post',
    path: '/api/v1/vcs/connections',
    summary: 'Add a VCS connection; validated at once by a workflow',
    description: 'Authenticate with `token`, or (GitHub only) as a GitHub App installation with `appId`, `privateKey` and `installationId`. Secrets are encrypted at rest and never returned.',
    auth: true,
    body: json(connectionInput),
    responses: { 201: ok('created', vcsConnectionChecked) },
    errors: [400, 401, 409, 413, 415],
  },
  { method: 'get', path: '/api/v1/vcs/connections/{id}', summary: 'A VCS connection', auth: true, params: connectionParams, responses: { 200: ok('connection', vcsConnection) }, errors: [401, 404] },
  { method: 'delete', path: '/api/v1/vcs/connections/{id}', summary: 'Remove a VCS connection no link uses', auth: true, params: connectionParams, responses: { 204: ok('removed') }, errors: [401, 404, 409] },
  {
    method: 'post',
    path: '/api/v1/vcs/connections/{id}/validate',
    summary: 'Validate the connection again',
    auth: true,
    params: connectionParams,
    responses: { 200: ok('validated', vcsConnectionChecked), 202: ok('still validating', vcsConnectionChecked) },
    errors: [401, 404],
  },
  {
    method: 'get',
    path: '/api/v1/vcs/connections/{id}/repositories',
    summary: 'Repositories the connection can see',
    auth: true,
    params: connectionParams,
    responses: { 200: ok('repositories', vcsRepositoryList) },
    errors: [400, 401, 403, 404, 504],
  },
  {
    method: 'get',
    path: '/api/v1/vcs/connections/{id}/tags',
    summary: "A repository's tags with commits, and the version each would publish",
    auth: true,
    params: connectionParams,
    query: tagsQuery,
    responses: { 200: ok('tags', vcsTagPreviewList) },
    errors: [400, 401, 403, 404, 504],
  },
  { method: 'get', path: linkPath, summary: "The module's repository link", auth: true, params: moduleParams, responses: { 200: ok('link', vcsLink) }, errors: [400, 401, 404] },
  {
    method: 'post',
    path: linkPath,
    summary: 'Link the module (created if new) to a repository; returns the webhook URL and secret once',
    auth: true,
    params: moduleParams,
    body: json(linkInput),
    responses: { 201: ok('linked', vcsLinkCreated) },
    errors: [400, 401, 404, 409, 413, 415],
  },
  { method: 'delete', path: linkPath, summary: 'Unlink (published versions stay)', auth: true, params: moduleParams, responses: { 204: ok('unlinked') }, errors: [400, 401, 404] },
  {
    method: 'post',
    path: `${linkPath}/sync`,
    summary: 'Publish release tags not published yet',
    auth: true,
    params: moduleParams,
    query: waitQuery,
    responses: { 200: ok('synced (with ?wait=true)', vcsSyncDone), 202: ok('started', vcsSyncAccepted) },
    errors: [400, 401, 404],
  },
  {
    method: 'get',
    path: `${linkPath}/deliveries`,
    summary: 'Webhook deliveries and what became of them',
    auth: true,
    params: moduleParams,
    query: vcsListQuery,
    responses: { 200: ok('deliveries', vcsDeliveryList) },
    errors: [400, 401, 404],
  },
  {
    method: 'get',
    path: `${linkPath}/violations`,
    summary: 'Immutability violations (moved tags)',
    auth: true,
    params: moduleParams,
    query: vcsListQuery,
    responses: { 200: ok('violations', vcsViolationList) },
    errors: [400, 401, 404],
  },
];

// GitHub sends JSON, or the same JSON in a `payload` form field when the hook is set to form encoding.
const webhookBody = { 'application/json': z.looseObject({}), 'application/x-www-form-urlencoded': z.object({ payload: z.string() }) };
const webhookRoutes: RouteSpec[] = [
  {
    method: 'post',
    path: '/webhooks/{provider}',
    summary: 'Webhook receiver (link found from the payload)',
    params: webhookParams,
    body: webhookBody,
    responses: { 202: ok('verified, recorded, work started', webhookAccepted) },
    errors: [400, 401, 404, 413, 415, 503],
  },
  {
    method: 'post',
    path: '/webhooks/{provider}/{linkId}',
    summary: "A link's webhook receiver",
    params: webhookParams.extend({ linkId: z.uuid() }),
    body: webhookBody,
    responses: { 202: ok('verified, recorded, work started', webhookAccepted) },
    errors: [400, 401, 404, 413, 415, 503],
  },
];

/** Every route of Strata's HTTP API: the OpenAPI document is generated from this table. */
export const routeTable: readonly RouteSpec[] = [
  ...protocolRoutes,
  ...healthRoutes,
  ...workloadIdentityRoutes,
  ...catalogRoutes,
  ...accessRoutes,
  ...identityRoutes,
  ...teamsRoutes,
  ...runsRoutes,
  ...deploymentsRoutes,
  ...webhooksRoutes,
  ...loginRoutes,
  ...ssoRoutes,
  ...auditRoutes,
  ...credentialsRoutes,
  ...pluginsRoutes,
  ...workflowRoutes,
  ...vcsRoutes,
  ...webhookRoutes,
  ...stateRoutes,
  ...notificationsRoutes,
];
