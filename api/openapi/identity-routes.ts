import { z } from 'zod';
import { createUserInput, loginInput, sessionParams } from '../routes/auth/schemas';
import { createdUser, loggedIn, me, sessionList, userList } from '../routes/auth/shapes';
import { addMemberInput, changeMemberInput, createNamespaceInput, createOrgInput, memberParams, orgParams, patchNamespaceInput } from '../routes/orgs/schemas';
import { member, memberList, namespace, namespaceList, organization, organizationList } from '../routes/orgs/shapes';
import { namespaceParam, ok, type RouteSpec } from './route-spec';

const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': schema });

/** People, sessions, organisations, members and namespaces (issue 9's contract paths). */
export const identityRoutes: RouteSpec[] = [
  {
    method: 'post',
    path: '/api/v1/auth/login',
    summary: 'Sign in with email and password: sets the session cookie and returns the CSRF token',
    body: json(loginInput),
    responses: { 200: ok('signed in', loggedIn) },
    errors: [400, 401, 403, 413, 415, 429],
  },
  { method: 'post', path: '/api/v1/auth/logout', summary: 'Sign out (ends the session)', responses: { 204: ok('signed out') }, errors: [403] },
  { method: 'get', path: '/api/v1/me', summary: 'Who am I: the user or service token, organisations and roles', auth: true, responses: { 200: ok('me', me) }, errors: [401] },
  { method: 'get', path: '/api/v1/me/sessions', summary: 'My active sessions', auth: true, responses: { 200: ok('sessions', sessionList) }, errors: [401, 403] },
  { method: 'delete', path: '/api/v1/me/sessions/{id}', summary: 'End one of my sessions', auth: true, params: sessionParams, responses: { 204: ok('ended') }, errors: [400, 401, 403, 404] },
  { method: 'get', path: '/api/v1/users', summary: 'Users (platform admins)', auth: true, responses: { 200: ok('users', userList) }, errors: [401, 403] },
  {
    method: 'post',
    path: '/api/v1/users',
    summary: 'Create a user with a password (platform admins)',
    auth: true,
    body: json(createUserInput),
    responses: { 201: ok('created', createdUser) },
    errors: [400, 401, 403, 409, 413, 415],
  },
  { method: 'get', path: '/api/v1/orgs', summary: 'My organisations (all of them for platform admins)', auth: true, responses: { 200: ok('organisations', organizationList) }, errors: [401] },
  {
    method: 'post',
    path: '/api/v1/orgs',
    summary: 'Create an organisation (the creator becomes its owner)',
    auth: true,
    body: json(createOrgInput),
    responses: { 201: ok('created', organization) },
    errors: [400, 401, 403, 409, 413, 415],
  },
  { method: 'get', path: '/api/v1/orgs/{org}', summary: 'An organisation', auth: true, params: orgParams, responses: { 200: ok('organisation', organization) }, errors: [401, 404] },
  { method: 'get', path: '/api/v1/orgs/{org}/members', summary: 'Members and their roles', auth: true, params: orgParams, responses: { 200: ok('members', memberList) }, errors: [401, 404] },
  {
    method: 'post',
    path: '/api/v1/orgs/{org}/members',
    summary: 'Add a member with a role (admins; owners for the owner role)',
    auth: true,
    params: orgParams,
    body: json(addMemberInput),
    responses: { 201: ok('added', member) },
    errors: [400, 401, 403, 404, 409, 413, 415],
  },
  {
    method: 'patch',
    path: '/api/v1/orgs/{org}/members/{userId}',
    summary: "Change a member's role",
    auth: true,
    params: memberParams,
    body: json(changeMemberInput),
    responses: { 204: ok('changed') },
    errors: [400, 401, 403, 404, 413, 415],
  },
  { method: 'delete', path: '/api/v1/orgs/{org}/members/{userId}', summary: 'Remove a member', auth: true, params: memberParams, responses: { 204: ok('removed') }, errors: [400, 401, 403, 404] },
  { method: 'get', path: '/api/v1/orgs/{org}/namespaces', summary: "The organisation's namespaces the caller may read", auth: true, params: orgParams, responses: { 200: ok('namespaces', namespaceList) }, errors: [401, 404] },
  {
    method: 'post',
    path: '/api/v1/orgs/{org}/namespaces',
    summary: 'Create a registry namespace (private unless asked otherwise)',
    auth: true,
    params: orgParams,
    body: json(createNamespaceInput),
    responses: { 201: ok('created', namespace) },
    errors: [400, 401, 403, 404, 409, 413, 415],
  },
  { method: 'get', path: '/api/v1/namespaces/{namespace}', summary: 'A namespace: its organisation and visibility', params: z.object({ namespace: namespaceParam }), responses: { 200: ok('namespace', namespace) }, errors: [400, 401, 404] },
  {
    method: 'patch',
    path: '/api/v1/namespaces/{namespace}',
    summary: "Change a namespace's visibility (its organisation's admins)",
    auth: true,
    params: z.object({ namespace: namespaceParam }),
    body: json(patchNamespaceInput),
    responses: { 200: ok('changed', namespace) },
    errors: [400, 401, 403, 404, 413, 415],
  },
];
