import { vcsOpenApiPaths } from '../routes/vcs/openapi';

/**
 * The OpenAPI 3.1 description of Strata's HTTP API, served at `/api/openapi.json`. Used by API clients and by
 * schema-based fuzzing (schemathesis), whose bar is: no 5xx for any input.
 */
const error = { $ref: '#/components/responses/Error' };
const name = { type: 'string', pattern: '^[0-9A-Za-z](?:[0-9A-Za-z_-]{0,62}[0-9A-Za-z])?$' };
const system = { type: 'string', pattern: '^[0-9a-z]{1,64}$' };
const semver = { type: 'string', example: '1.2.3' };
const path = (n: string, schema: object = { type: 'string' }) => ({ name: n, in: 'path', required: true, schema });
const moduleParams = [path('namespace', name), path('name', name), path('system', system)];
const providerParams = [path('namespace', name), path('type', { type: 'string', pattern: '^[0-9a-z](?:[0-9a-z-]{0,62}[0-9a-z])?$' })];
const json = (schema: object = { type: 'object' }) => ({ content: { 'application/json': { schema } } });
const ok = (description: string, schema?: object) => ({ description, ...json(schema) });
const secured = [{ bearer: [] }];
const wait = { name: 'wait', in: 'query', schema: { type: 'string', enum: ['true', 'false'] } };
const page = [
  { name: 'q', in: 'query', schema: { type: 'string', maxLength: 200 } },
  { name: 'namespace', in: 'query', schema: { type: 'string', maxLength: 64 } },
  { name: 'page', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 10000 } },
  { name: 'per_page', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100 } },
];

export const openApiDocument = {
  openapi: '3.1.0',
  info: { title: 'Strata', version: '0.1.0', description: 'Terraform/OpenTofu registry: protocols and management API.' },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    responses: {
      Error: ok('an error', {
        type: 'object',
        required: ['error'],
        properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } } },
      }),
    },
  },
  paths: {
    ...vcsOpenApiPaths,
    '/.well-known/terraform.json': { get: { summary: 'Service discovery', responses: { 200: ok('services') } } },
    '/healthz': { get: { summary: 'Liveness', responses: { 200: ok('alive') } } },
    '/readyz': { get: { summary: 'Readiness', responses: { 200: ok('ready'), 503: ok('not ready') } } },
    '/v1/modules/{namespace}/{name}/{system}/versions': {
      get: { summary: 'Module versions', parameters: moduleParams, responses: { 200: ok('versions'), 404: error } },
    },
    '/v1/modules/{namespace}/{name}/{system}/{version}/download': {
      get: { summary: 'Module download location', parameters: [...moduleParams, path('version', semver)], responses: { 204: { description: 'X-Terraform-Get' }, 404: error } },
    },
    '/v1/providers/{namespace}/{type}/versions': {
      get: { summary: 'Provider versions', parameters: providerParams, responses: { 200: ok('versions'), 404: error } },
    },
    '/v1/providers/{namespace}/{type}/{version}/download/{os}/{arch}': {
      get: {
        summary: 'Find a provider package',
        parameters: [...providerParams, path('version', semver), path('os'), path('arch')],
        responses: { 200: ok('package'), 404: error },
      },
    },
    '/v1/mirror/{hostname}/{namespace}/{type}/index.json': {
      get: { summary: 'Mirror: versions', parameters: [path('hostname'), ...providerParams], responses: { 200: ok('versions'), 404: error } },
    },
    '/api/v1/modules': { get: { summary: 'Search modules', parameters: [...page, { name: 'provider', in: 'query', schema: { type: 'string' } }], responses: { 200: ok('page'), 400: error } } },
    '/api/v1/modules/{namespace}/{name}/{system}': { get: { summary: 'Module detail', parameters: moduleParams, responses: { 200: ok('module'), 400: error, 404: error } } },
    '/api/v1/modules/{namespace}/{name}/{system}/{version}': {
      get: { summary: 'Module version', parameters: [...moduleParams, path('version', semver)], responses: { 200: ok('version'), 400: error, 404: error } },
      post: {
        summary: 'Upload a module archive',
        security: secured,
        parameters: [...moduleParams, path('version', semver), wait],
        requestBody: { required: true, content: { 'application/gzip': { schema: { type: 'string', format: 'binary' } }, 'application/zip': { schema: { type: 'string', format: 'binary' } } } },
        responses: { 201: ok('published'), 202: ok('started'), 400: error, 401: error, 409: error, 413: error, 422: error },
      },
    },
    '/api/v1/providers': { get: { summary: 'Search providers', parameters: page, responses: { 200: ok('page'), 400: error } } },
    '/api/v1/providers/{namespace}/{type}': { get: { summary: 'Provider detail', parameters: providerParams, responses: { 200: ok('provider'), 400: error, 404: error } } },
    '/api/v1/providers/{namespace}/{type}/{version}': {
      post: {
        summary: 'Upload provider release files',
        security: secured,
        parameters: [...providerParams, path('version', semver), wait],
        requestBody: {
          required: true,
          content: { 'multipart/form-data': { schema: { type: 'object', properties: { protocols: { type: 'string' }, file: { type: 'array', items: { type: 'string', format: 'binary' } } } } } },
        },
        responses: { 201: ok('published'), 202: ok('started'), 400: error, 401: error, 409: error, 413: error, 415: error, 422: error },
      },
    },
    '/api/v1/namespaces/{namespace}/gpg-keys': {
      get: { summary: 'Signing keys', parameters: [path('namespace', name)], responses: { 200: ok('keys'), 400: error } },
      post: {
        summary: 'Add a signing key',
        security: secured,
        parameters: [path('namespace', name)],
        requestBody: json({ type: 'object', required: ['ascii_armor'], properties: { ascii_armor: { type: 'string' }, source: { type: 'string' }, source_url: { type: 'string', format: 'uri' } } }),
        responses: { 201: ok('added'), 400: error, 401: error, 409: error, 415: error, 422: error },
      },
    },
    '/api/v1/namespaces/{namespace}/gpg-keys/{keyId}': {
      delete: { summary: 'Remove a signing key', security: secured, parameters: [path('namespace', name), path('keyId')], responses: { 204: { description: 'removed' }, 401: error, 404: error } },
    },
    '/api/v1/tokens': {
      get: { summary: 'API tokens', security: secured, responses: { 200: ok('tokens'), 401: error } },
      post: {
        summary: 'Create an API token (shown once)',
        security: secured,
        requestBody: json({ type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1, maxLength: 100 } } }),
        responses: { 201: ok('created'), 400: error, 401: error, 415: error },
      },
    },
    '/api/v1/tokens/{id}': { delete: { summary: 'Revoke a token', security: secured, parameters: [path('id')], responses: { 204: { description: 'revoked' }, 401: error, 404: error } } },
    '/api/v1/search': {
      get: {
        summary: 'Search modules and providers together, sorted and paginated, with filter facets',
        parameters: [
          ...page,
          { name: 'provider', in: 'query', schema: { type: 'string', maxLength: 64 } },
          { name: 'kind', in: 'query', schema: { type: 'string', enum: ['all', 'module', 'provider'] } },
          { name: 'sort', in: 'query', schema: { type: 'string', enum: ['recent', 'downloads', 'name'] } },
        ],
        responses: { 200: ok('page'), 400: error },
      },
    },
    '/api/v1/modules/{namespace}/{name}/{system}/downloads': {
      get: {
        summary: 'Daily download counts',
        parameters: [
          ...moduleParams,
          { name: 'days', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 3660 } },
          { name: 'version', in: 'query', schema: { type: 'string', maxLength: 128 } },
        ],
        responses: { 200: ok('series'), 400: error, 404: error },
      },
    },
    '/api/v1/workflows': {
      get: {
        summary: 'Strata workflows (running and recent) from Temporal visibility',
        security: secured,
        parameters: [
          { name: 'kind', in: 'query', schema: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,63}$' } },
          { name: 'status', in: 'query', schema: { type: 'string', enum: ['running', 'completed', 'failed', 'cancelled', 'terminated', 'timed_out'] } },
          { name: 'q', in: 'query', schema: { type: 'string', maxLength: 200 } },
          { name: 'pageToken', in: 'query', schema: { type: 'string', maxLength: 4096 } },
          { name: 'per_page', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100 } },
        ],
        responses: { 200: ok('page'), 400: error, 401: error },
      },
    },
    '/api/v1/workflows/{workflowId}/events': {
      get: {
        summary: 'Live status and progress as Server-Sent Events (token also accepted as ?token=, for EventSource)',
        security: secured,
        parameters: [path('workflowId'), { name: 'token', in: 'query', schema: { type: 'string' } }],
        responses: { 200: { description: 'text/event-stream of status events, then end' }, 401: error, 404: error },
      },
    },
    '/api/v1/workflows/{workflowId}': {
      get: { summary: 'Workflow status', security: secured, parameters: [path('workflowId')], responses: { 200: ok('status'), 400: error, 401: error, 404: error } },
    },
  },
} as const;
