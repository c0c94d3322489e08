import { z } from 'zod';
import { accepted } from '../routes/common-shapes';
import { createCredentialInput, credentialParams, rotateCredentialInput } from '../routes/credentials/schemas';
import { cloudCredential, cloudCredentialList, cloudCredentialSaved } from '../routes/credentials/shapes';
import { orgParams } from '../routes/orgs/schemas';
import { ok, type RouteSpec } from './route-spec';

const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': schema });
const base = '/api/v1/orgs/{org}/credentials';

/** Cloud credentials of an organisation: secrets go in, verdicts and identities come out. */
export const credentialsRoutes: RouteSpec[] = [
  { method: 'get', path: base, summary: "The organisation's cloud credentials (never their secrets)", auth: true, params: orgParams, responses: { 200: ok('credentials', cloudCredentialList) }, errors: [401, 403, 404] },
  {
    method: 'post',
    path: base,
    summary: 'Store a cloud credential (admins); its check starts at once',
    description: 'Kinds: aws, azure, gcp, digitalocean, hetzner. The secret is sealed at rest and never returned. `settings.endpoint` obeys STRATA_ALLOW_PRIVATE_NETWORKS.',
    auth: true,
    params: orgParams,
    body: json(createCredentialInput),
    responses: { 201: ok('stored, status pending', cloudCredentialSaved) },
    errors: [400, 401, 403, 404, 409, 413, 415],
  },
  { method: 'get', path: `${base}/{id}`, summary: 'A cloud credential: status, last check, identity, workspaces using it', auth: true, params: credentialParams, responses: { 200: ok('credential', cloudCredential) }, errors: [401, 403, 404] },
  {
    method: 'put',
    path: `${base}/{id}`,
    summary: 'Rotate a cloud credential: a new secret version (admins); its check starts at once',
    auth: true,
    params: credentialParams,
    body: json(rotateCredentialInput),
    responses: { 200: ok('rotated, status pending', cloudCredentialSaved) },
    errors: [400, 401, 403, 404, 413, 415],
  },
  { method: 'delete', path: `${base}/{id}`, summary: 'Delete a cloud credential (admins); refused while a workspace uses it', auth: true, params: credentialParams, responses: { 204: ok('deleted') }, errors: [401, 403, 404, 409] },
  { method: 'post', path: `${base}/{id}/check`, summary: 'Check a cloud credential against its cloud now (admins)', auth: true, params: credentialParams, responses: { 202: ok('check started', accepted) }, errors: [401, 403, 404] },
];
