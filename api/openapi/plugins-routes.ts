import { z } from 'zod';
import { accepted } from '../routes/common-shapes';
import { waitQuery } from '../routes/modules/schemas';
import { orgParams } from '../routes/orgs/schemas';
import { accessRequestInput, accessRequestParams, pluginListQuery, pluginParams, pluginVersionParams } from '../routes/plugins/schemas';
import { pluginAccessRequest, pluginAccessRequestList, pluginDetail, pluginList, pluginPublished, pluginVersion } from '../routes/plugins/shapes';
import { binary, ok, type RouteSpec } from './route-spec';

const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': schema });
const base = '/api/v1/orgs/{org}/plugins';
const upload: Omit<RouteSpec, 'method' | 'path' | 'summary' | 'params'> = {
  auth: true,
  query: waitQuery,
  body: { 'application/zip': binary },
  responses: { 201: ok('published (with ?wait=true)', pluginPublished), 202: ok('started', accepted) },
  errors: [400, 401, 403, 404, 408, 409, 413, 415, 422],
};
const uploadDescription =
  'The body is a ZIP holding `strata-plugin.json` (`{name, version, description, inputs}`: semver version, `inputs` a JSON Schema of type object) and exactly one of `index.js`/`index.ts` at its root. The `plugin-publish:<org>/<name>/<version>` workflow validates it with the archive rules of module uploads and stores it; a published version is immutable (409).';

/** The Pulumi plugin catalogue of an organisation. */
export const pluginsRoutes: RouteSpec[] = [
  { method: 'get', path: base, summary: "The organisation's plugins, searched by name and description (q)", auth: true, params: orgParams, query: pluginListQuery, responses: { 200: ok('plugins', pluginList) }, errors: [400, 401, 403, 404] },
  { method: 'post', path: base, summary: 'Publish a plugin version (publishers); the manifest names the plugin', description: uploadDescription, params: orgParams, ...upload },
  { method: 'get', path: `${base}/{name}`, summary: 'A plugin with its versions, and whether the caller may deploy it', auth: true, params: pluginParams, responses: { 200: ok('plugin', pluginDetail) }, errors: [400, 401, 403, 404] },
  { method: 'post', path: `${base}/{name}/versions`, summary: 'Publish a version of this plugin (publishers); the manifest must name it', description: uploadDescription, params: pluginParams, ...upload },
  { method: 'get', path: `${base}/{name}/versions/{version}`, summary: 'One plugin version with its input schema', auth: true, params: pluginVersionParams, responses: { 200: ok('version', pluginVersion) }, errors: [400, 401, 403, 404] },
  { method: 'post', path: `${base}/{name}/lock`, summary: 'Lock a plugin (admins): only admins and approved requesters deploy it', auth: true, params: pluginParams, responses: { 200: ok('locked', pluginDetail) }, errors: [400, 401, 403, 404] },
  { method: 'post', path: `${base}/{name}/unlock`, summary: 'Unlock a plugin (admins)', auth: true, params: pluginParams, responses: { 200: ok('unlocked', pluginDetail) }, errors: [400, 401, 403, 404] },
  {
    method: 'post',
    path: `${base}/{name}/access-requests`,
    summary: 'Ask for access to a locked plugin (members); the organisation’s admins are notified',
    description: 'Answers 200 with the open request when one is pending or approved already; 409 `plugin_not_locked` for an unlocked plugin.',
    auth: true,
    params: pluginParams,
    body: json(accessRequestInput),
    responses: { 201: ok('requested', pluginAccessRequest), 200: ok('already requested', pluginAccessRequest) },
    errors: [400, 401, 403, 404, 409, 413, 415],
  },
  { method: 'get', path: `${base}/{name}/access-requests`, summary: "A plugin's access requests (admins)", auth: true, params: pluginParams, responses: { 200: ok('requests', pluginAccessRequestList) }, errors: [400, 401, 403, 404] },
  ...(['approve', 'reject', 'revoke'] as const).map(
    (decision): RouteSpec => ({
      method: 'post',
      path: `${base}/{name}/access-requests/{id}/${decision}`,
      summary: `${decision[0]!.toUpperCase()}${decision.slice(1)} an access request (admins); the requester is notified`,
      auth: true,
      params: accessRequestParams,
      responses: { 200: ok('decided', pluginAccessRequest) },
      errors: [400, 401, 403, 404, 409],
    }),
  ),
];
