import { z } from 'zod';
import { orgParams } from '../routes/orgs/schemas';
import { addTeamMemberInput, createTeamInput, patchTeamInput, setNamespaceRoleInput, teamMemberParams, teamNamespaceParams, teamParams } from '../routes/teams/schemas';
import { team, teamDetail, teamList, teamMember, teamMemberList, teamNamespaceRole } from '../routes/teams/shapes';
import { ok, type RouteSpec } from './route-spec';

const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': schema });
const base = '/api/v1/orgs/{org}/teams';

/** Teams of an organisation: their organisation role, members and namespace roles. */
export const teamsRoutes: RouteSpec[] = [
  { method: 'get', path: base, summary: "The organisation's teams", auth: true, params: orgParams, responses: { 200: ok('teams', teamList) }, errors: [401, 404] },
  {
    method: 'post',
    path: base,
    summary: 'Create a team, optionally with an organisation role and an SSO group (admins; owners for the owner role)',
    auth: true,
    params: orgParams,
    body: json(createTeamInput),
    responses: { 201: ok('created', team) },
    errors: [400, 401, 403, 404, 409, 413, 415],
  },
  { method: 'get', path: `${base}/{team}`, summary: 'A team with its members and namespace roles', auth: true, params: teamParams, responses: { 200: ok('team', teamDetail) }, errors: [401, 404] },
  {
    method: 'patch',
    path: `${base}/{team}`,
    summary: "Rename a team or change its role or SSO group (owners for a team that is or becomes an owner's)",
    auth: true,
    params: teamParams,
    body: json(patchTeamInput),
    responses: { 200: ok('changed', teamDetail) },
    errors: [400, 401, 403, 404, 409, 413, 415],
  },
  { method: 'delete', path: `${base}/{team}`, summary: 'Delete a team (its members lose the roles it gave)', auth: true, params: teamParams, responses: { 204: ok('deleted') }, errors: [401, 403, 404] },
  { method: 'get', path: `${base}/{team}/members`, summary: "The team's members", auth: true, params: teamParams, responses: { 200: ok('members', teamMemberList) }, errors: [401, 404] },
  {
    method: 'post',
    path: `${base}/{team}/members`,
    summary: 'Add a user to the team by email',
    auth: true,
    params: teamParams,
    body: json(addTeamMemberInput),
    responses: { 201: ok('added', teamMember) },
    errors: [400, 401, 403, 404, 409, 413, 415],
  },
  { method: 'delete', path: `${base}/{team}/members/{userId}`, summary: 'Take a user out of the team', auth: true, params: teamMemberParams, responses: { 204: ok('removed') }, errors: [400, 401, 403, 404] },
  {
    method: 'put',
    path: `${base}/{team}/namespaces/{namespace}`,
    summary: "Give the team a role on one of the organisation's namespaces (or change it)",
    auth: true,
    params: teamNamespaceParams,
    body: json(setNamespaceRoleInput),
    responses: { 200: ok('set', teamNamespaceRole) },
    errors: [400, 401, 403, 404, 413, 415],
  },
  { method: 'delete', path: `${base}/{team}/namespaces/{namespace}`, summary: "Remove the team's role on a namespace", auth: true, params: teamNamespaceParams, responses: { 204: ok('removed') }, errors: [400, 401, 403, 404] },
];
