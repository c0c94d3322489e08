import { z } from 'zod';
import { errorBody } from '../routes/common-shapes';
import { routeTable } from './route-table';
import type { RouteSpec } from './route-spec';

/*
 * The OpenAPI 3.1 description of Strata's HTTP API, served at `/api/openapi.json`, generated from the route
 * table and the zod schemas the routes validate with and answer in. Used by API clients and by schema-based
 * fuzzing (schemathesis), whose bar is: no 5xx for any input.
 */

type JsonSchema = Record<string, unknown>;

/** JSON Schema 2020-12 (OpenAPI 3.1's dialect) of a zod schema, as it is sent (`input`) or answered (`output`). */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const converted = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    reused: 'inline',
    // `format` says it; zod's long equivalent regex would only bury it.
    override: ({ jsonSchema: s }) => {
      if (s.format === 'date-time' || s.format === 'date') delete s.pattern;
    },
  }) as JsonSchema;
  // The dialect is the document's own (OpenAPI 3.1 = JSON Schema 2020-12), not repeated per schema.
  delete converted.$schema;
  return converted;
}

function parameters(location: 'path' | 'query', schema: z.ZodObject | undefined) {
  if (!schema) return [];
  const object = jsonSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: location,
      required: location === 'path' || (object.required ?? []).includes(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

function operation(route: RouteSpec) {
  const responses: Record<string, unknown> = {};
  for (const [status, r] of Object.entries(route.responses)) {
    responses[status] = r.schema
      ? { description: r.description, content: { [r.mediaType ?? 'application/json']: { schema: jsonSchema(r.schema, 'output') } } }
      : { description: r.description };
  }
  for (const status of route.errors) responses[String(status)] = { $ref: '#/components/responses/Error' };
  return {
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    ...(route.auth ? { security: [{ bearer: [] }] } : {}),
    parameters: [...parameters('path', route.params), ...parameters('query', route.query)],
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: Object.fromEntries(Object.entries(route.body).map(([type, schema]) => [type, { schema: jsonSchema(schema, 'input') }])),
          },
        }
      : {}),
    responses,
  };
}

export function buildOpenApiDocument(routes: readonly RouteSpec[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) (paths[route.path] ??= {})[route.method] = operation(route);
  return {
    openapi: '3.1.0',
    info: { title: 'Strata', version: '0.1.0', description: 'Terraform/OpenTofu registry: protocols and management API.' },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      responses: {
        Error: { description: 'an error', content: { 'application/json': { schema: jsonSchema(errorBody, 'output') } } },
      },
    },
    paths,
  };
}

export const openApiDocument = buildOpenApiDocument(routeTable);
