/**
 * The OpenAPI 3.1 paths of VCS publishing, for api/openapi/document.ts to spread into its `paths`
 * (`...vcsOpenApiPaths`). Kept beside the routes they describe.
 */
const error = { $ref: '#/components/responses/Error' };
const json = (schema: object = { type: 'object' }) => ({ content: { 'application/json': { schema } } });
const ok = (description: string) => ({ description, ...json() });
const secured = [{ bearer: [] }];
const name = { type: 'string', pattern: '^[0-9A-Za-z](?:[0-9A-Za-z_-]{0,62}[0-9A-Za-z])?$' };
const path = (n: string, schema: object = { type: 'string' }) => ({ name: n, in: 'path', required: true, schema });
const moduleParams = [path('namespace', name), path('name', name), path('system', { type: 'string', pattern: '^[0-9a-z]{1,64}$' })];
const id = path('id', { type: 'string', format: 'uuid' });
const limit = { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200 } };
const webhookBody = { required: true, content: { 'application/json': { schema: { type: 'object' } } } };
const webhookResponses = { 202: ok('verified, recorded, work started'), 400: error, 401: error, 404: error, 413: error, 503: error };

export const vcsOpenApiPaths = {
  '/api/v1/vcs/connections': {
    get: { summary: 'VCS connections (tokens and app keys are never returned)', security: secured, responses: { 200: ok('connections'), 401: error } },
    post: {
      summary: 'Add a VCS connection; validated at once by a workflow',
      security: secured,
      description: 'Authenticate with `token`, or (GitHub only) as a GitHub App installation with `appId`, `privateKey` and `installationId`. Secrets are encrypted at rest and never returned.',
      requestBody: json({
        type: 'object',
        required: ['kind', 'name'],
        additionalProperties: false,
        properties: {
          kind: { type: 'string', enum: ['github', 'gitlab', 'azure-devops'] },
          name: { type: 'string', minLength: 1, maxLength: 100 },
          baseUrl: { type: 'string', format: 'uri', maxLength: 2048 },
          token: { type: 'string', minLength: 1, maxLength: 8192 },
          appId: { oneOf: [{ type: 'string', pattern: '^[1-9][0-9]{0,18}$' }, { type: 'integer', minimum: 1 }], description: 'GitHub App id' },
          privateKey: { type: 'string', maxLength: 16384, description: "The GitHub App's RSA private key, PEM" },
          installationId: { type: 'integer', minimum: 1, description: "The GitHub App's installation id" },
        },
        oneOf: [{ required: ['token'] }, { required: ['appId', 'privateKey', 'installationId'] }],
      }),
      responses: { 201: ok('created'), 400: error, 401: error, 409: error, 415: error },
    },
  },
  '/api/v1/vcs/connections/{id}': {
    get: { summary: 'A VCS connection', security: secured, parameters: [id], responses: { 200: ok('connection'), 401: error, 404: error } },
    delete: { summary: 'Remove a VCS connection no link uses', security: secured, parameters: [id], responses: { 204: { description: 'removed' }, 401: error, 404: error, 409: error } },
  },
  '/api/v1/vcs/connections/{id}/validate': {
    post: { summary: 'Validate the connection again', security: secured, parameters: [id], responses: { 200: ok('validated'), 202: ok('still validating'), 401: error, 404: error } },
  },
  '/api/v1/vcs/connections/{id}/repositories': {
    get: { summary: 'Repositories the connection can see', security: secured, parameters: [id], responses: { 200: ok('repositories'), 400: error, 401: error, 403: error, 404: error, 504: error } },
  },
  '/api/v1/vcs/connections/{id}/tags': {
    get: {
      summary: "A repository's tags with commits, and the version each would publish",
      security: secured,
      parameters: [
        id,
        { name: 'repository', in: 'query', required: true, schema: { type: 'string', minLength: 3, maxLength: 512 } },
        { name: 'tagPattern', in: 'query', schema: { type: 'string', maxLength: 100 } },
      ],
      responses: { 200: ok('tags'), 400: error, 401: error, 403: error, 404: error, 504: error },
    },
  },
  '/api/v1/modules/{namespace}/{name}/{system}/vcs': {
    get: { summary: "The module's repository link", security: secured, parameters: moduleParams, responses: { 200: ok('link'), 400: error, 401: error, 404: error } },
    post: {
      summary: 'Link the module (created if new) to a repository; returns the webhook URL and secret once',
      security: secured,
      parameters: moduleParams,
      requestBody: json({
        type: 'object',
        required: ['connectionId', 'repository'],
        additionalProperties: false,
        properties: {
          connectionId: { type: 'string', format: 'uuid' },
          repository: { type: 'string', minLength: 3, maxLength: 512 },
          subdirectory: { type: 'string', maxLength: 512 },
          tagPattern: { type: 'string', maxLength: 100, default: 'v?X.Y.Z' },
        },
      }),
      responses: { 201: ok('linked'), 400: error, 401: error, 404: error, 409: error, 415: error },
    },
    delete: { summary: 'Unlink (published versions stay)', security: secured, parameters: moduleParams, responses: { 204: { description: 'unlinked' }, 400: error, 401: error, 404: error } },
  },
  '/api/v1/modules/{namespace}/{name}/{system}/vcs/sync': {
    post: {
      summary: 'Publish release tags not published yet',
      security: secured,
      parameters: [...moduleParams, { name: 'wait', in: 'query', schema: { type: 'string', enum: ['true', 'false'] } }],
      responses: { 200: ok('synced'), 202: ok('started'), 400: error, 401: error, 404: error },
    },
  },
  '/api/v1/modules/{namespace}/{name}/{system}/vcs/deliveries': {
    get: { summary: 'Webhook deliveries and what became of them', security: secured, parameters: [...moduleParams, limit], responses: { 200: ok('deliveries'), 400: error, 401: error, 404: error } },
  },
  '/api/v1/modules/{namespace}/{name}/{system}/vcs/violations': {
    get: { summary: 'Immutability violations (moved tags)', security: secured, parameters: [...moduleParams, limit], responses: { 200: ok('violations'), 400: error, 401: error, 404: error } },
  },
  '/webhooks/{provider}': {
    post: { summary: 'Webhook receiver (link found from the payload)', parameters: [path('provider', { type: 'string', enum: ['github', 'gitlab', 'azure-devops'] })], requestBody: webhookBody, responses: webhookResponses },
  },
  '/webhooks/{provider}/{linkId}': {
    post: {
      summary: "A link's webhook receiver",
      parameters: [path('provider', { type: 'string', enum: ['github', 'gitlab', 'azure-devops'] }), path('linkId', { type: 'string', format: 'uuid' })],
      requestBody: webhookBody,
      responses: webhookResponses,
    },
  },
};
