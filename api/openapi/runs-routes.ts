import { z } from 'zod';
import { decisionInput, logSearchQuery, logsQuery, runParams } from '../routes/runs/schemas';
import { orgParams } from '../routes/orgs/schemas';
import { createRunInput, createWorkspaceInput, credentialBindingInput, patchWorkspaceInput, policyInput, variablesInput, workspaceParams } from '../routes/workspaces/schemas';
import { boundCredentialList, configurationCreated, created, logLineList, run, runAccepted, runList, runPolicy, workspaceDetail, workspaceList, workspaceVariable } from '../routes/workspaces/shapes';
import { binary, ok, type RouteSpec } from './route-spec';

const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': schema });
const ws = '/api/v1/orgs/{org}/workspaces';
const bodyErrors = [400, 401, 403, 404, 409, 413, 415];

/** Workspaces, their runs and logs, and the organisation's run policy. */
export const runsRoutes: RouteSpec[] = [
  { method: 'get', path: ws, summary: "The organisation's workspaces", auth: true, params: orgParams, responses: { 200: ok('workspaces', workspaceList) }, errors: [401, 403, 404] },
  { method: 'post', path: ws, summary: 'Create a workspace (admins)', auth: true, params: orgParams, body: json(createWorkspaceInput), responses: { 201: ok('created', created) }, errors: bodyErrors },
  { method: 'get', path: `${ws}/{ws}`, summary: 'A workspace with its variables (sensitive values withheld)', auth: true, params: workspaceParams, responses: { 200: ok('workspace', workspaceDetail) }, errors: [401, 403, 404] },
  { method: 'patch', path: `${ws}/{ws}`, summary: "Change a workspace's settings (admins)", auth: true, params: workspaceParams, body: json(patchWorkspaceInput), responses: { 200: ok('changed', workspaceDetail) }, errors: bodyErrors },
  { method: 'delete', path: `${ws}/{ws}`, summary: 'Delete a workspace with no run in progress and no state lock (admins)', auth: true, params: workspaceParams, responses: { 204: ok('deleted') }, errors: [401, 403, 404, 409] },
  {
    method: 'put',
    path: `${ws}/{ws}/variables`,
    summary: "Replace a workspace's variables; a sensitive one sent without a value keeps its stored value (admins)",
    auth: true,
    params: workspaceParams,
    body: json(variablesInput),
    responses: { 200: ok('variables', z.object({ items: z.array(workspaceVariable) })) },
    errors: bodyErrors,
  },
  {
    method: 'put',
    path: `${ws}/{ws}/credentials`,
    summary: "Bind the organisation's cloud credentials to a workspace (its runs get their environment) (admins)",
    auth: true,
    params: workspaceParams,
    body: json(credentialBindingInput),
    responses: { 200: ok('bound', boundCredentialList) },
    errors: bodyErrors,
  },
  {
    method: 'post',
    path: `${ws}/{ws}/configurations`,
    summary: 'Upload a configuration version (a tar.gz of the root module; every .tf file must parse)',
    auth: true,
    params: workspaceParams,
    body: { 'application/gzip': binary },
    responses: { 201: ok('stored', configurationCreated) },
    errors: [400, 401, 403, 404, 413, 415, 422],
  },
  { method: 'post', path: `${ws}/{ws}/runs`, summary: 'Queue a run: a speculative plan, a plan to apply, or a destroy', auth: true, params: workspaceParams, body: json(createRunInput), responses: { 202: ok('queued', runAccepted) }, errors: [...bodyErrors, 503] },
  { method: 'get', path: `${ws}/{ws}/runs`, summary: "The workspace's latest runs", auth: true, params: workspaceParams, responses: { 200: ok('runs', runList) }, errors: [401, 403, 404] },
  { method: 'get', path: '/api/v1/orgs/{org}/runs', summary: "The organisation's run queue: runs not finished yet, oldest first", auth: true, params: orgParams, responses: { 200: ok('runs', runList) }, errors: [401, 403, 404] },
  { method: 'get', path: '/api/v1/orgs/{org}/run-policy', summary: 'Required workspace tags and the approval policy per environment', auth: true, params: orgParams, responses: { 200: ok('policy', runPolicy) }, errors: [401, 403, 404] },
  { method: 'put', path: '/api/v1/orgs/{org}/run-policy', summary: 'Change the required tags or environment approval policies (admins)', auth: true, params: orgParams, body: json(policyInput), responses: { 200: ok('policy', runPolicy) }, errors: bodyErrors },
  { method: 'get', path: '/api/v1/runs/{id}', summary: 'A run: status, plan summary, resource changes, outputs (sensitive ones masked), approvals', auth: true, params: runParams, responses: { 200: ok('run', run) }, errors: [400, 401, 404] },
  { method: 'post', path: '/api/v1/runs/{id}/approve', summary: "Approve a run waiting for approval (approvers of its environment's policy)", auth: true, params: runParams, body: json(decisionInput), responses: { 202: ok('recorded', run) }, errors: bodyErrors },
  { method: 'post', path: '/api/v1/runs/{id}/discard', summary: 'Discard a run waiting for approval (approvers)', auth: true, params: runParams, body: json(decisionInput), responses: { 202: ok('discarded', run) }, errors: bodyErrors },
  { method: 'post', path: '/api/v1/runs/{id}/cancel', summary: 'Cancel a queued or running run (interrupts the engine gracefully, then stops it)', auth: true, params: runParams, responses: { 202: ok('canceling', run) }, errors: [400, 401, 403, 404, 409] },
  {
    method: 'get',
    path: '/api/v1/runs/{id}/logs',
    summary: "A run's log as text (one phase, or all)",
    auth: true,
    params: runParams,
    query: logsQuery,
    responses: { 200: { description: 'log text', schema: z.string(), mediaType: 'text/plain' } },
    errors: [400, 401, 404],
  },
  { method: 'get', path: '/api/v1/runs/{id}/logs/search', summary: "Search a run's log by phase, severity, time and text", auth: true, params: runParams, query: logSearchQuery, responses: { 200: ok('lines', logLineList) }, errors: [400, 401, 404] },
  {
    method: 'get',
    path: '/api/v1/runs/{id}/logs/events',
    summary: "A run's log lines and status, live (Server-Sent Events), until the run ends",
    auth: true,
    params: runParams,
    responses: { 200: { description: 'log and status events', schema: z.string(), mediaType: 'text/event-stream' } },
    errors: [400, 401, 404],
  },
];
