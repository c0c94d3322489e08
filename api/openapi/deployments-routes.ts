import { z } from 'zod';
import { createDeploymentInput, deploymentFilters, deploymentParams } from '../routes/deployments/schemas';
import { deployment, deploymentAccepted, deploymentList } from '../routes/deployments/shapes';
import { orgParams } from '../routes/orgs/schemas';
import { ok, type RouteSpec } from './route-spec';

const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': schema });

/** Plugin deployments: a plugin version provisioned as a Pulumi stack (its runs are the runs API's). */
export const deploymentsRoutes: RouteSpec[] = [
  {
    method: 'get',
    path: '/api/v1/orgs/{org}/deployments',
    summary: "The organisation's plugin deployments (Pulumi stacks), filtered by environment, status, plugin or tag (key=value)",
    auth: true,
    params: orgParams,
    query: deploymentFilters,
    responses: { 200: ok('deployments', deploymentList) },
    errors: [400, 401, 403, 404],
  },
  { method: 'get', path: '/api/v1/deployments/{id}', summary: 'One deployment: plugin, version, inputs, tags, status and latest run', auth: true, params: deploymentParams, responses: { 200: ok('deployment', deployment) }, errors: [400, 401, 404] },
  {
    method: 'post',
    path: '/api/v1/orgs/{org}/deployments',
    summary: 'Deploy a plugin version as a stack: inputs checked against its schema, tags required, a preview → approval → update run queued',
    auth: true,
    params: orgParams,
    body: json(createDeploymentInput),
    responses: { 202: ok('queued', deploymentAccepted) },
    errors: [400, 401, 403, 404, 409, 413, 415, 503],
  },
];
