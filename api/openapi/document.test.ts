import SwaggerParser from '@apidevtools/swagger-parser';
import { describe, expect, it } from 'vitest';
import { apiRouters } from '../app';
import type { AppDeps } from '../deps';
import { openApiDocument } from './document';
import { routeTable } from './route-table';

/** `GET /api/v1/modules/{namespace}` for every route a Koa router registers (HEAD and OPTIONS are implied). */
function registeredRoutes(): string[] {
  // Building the routers only wires handlers; nothing touches the dependencies until a request arrives.
  const routers = apiRouters({ config: { temporal: {}, publicUrl: 'http://localhost:8080', identity: {} }, log: {} } as unknown as AppDeps);
  const out = new Set<string>();
  for (const router of routers) {
    for (const layer of router.stack) {
      const path = String(layer.path).replace(/\/$/, '').replace(/:(\w+)/g, '{$1}') || '/';
      for (const method of layer.methods) if (method !== 'HEAD' && method !== 'OPTIONS') out.add(`${method} ${path}`);
    }
  }
  return [...out].sort();
}

const documented = (protocol: boolean) =>
  routeTable
    .filter((r) => Boolean(r.protocol) === protocol)
    .map((r) => `${r.method.toUpperCase()} ${r.path}`)
    .sort();

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    // The validator resolves references in place: give it a copy.
    await expect(SwaggerParser.validate(structuredClone(openApiDocument) as never)).resolves.toMatchObject({ openapi: '3.1.0' });
  });

  it('lists exactly the routes the Koa routers register, no more and no fewer', () => {
    const registered = registeredRoutes();
    expect(registered.length).toBeGreaterThan(30);
    expect(documented(false)).toEqual(registered);
  });

  it('has one operation per route of the table, with path parameters for every template variable', () => {
    const operations = Object.entries(openApiDocument.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(operations.sort()).toEqual([...documented(false), ...documented(true)].sort());
    for (const [path, ops] of Object.entries(openApiDocument.paths)) {
      const variables = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      for (const op of Object.values(ops) as { parameters: { name: string; in: string }[] }[]) {
        expect(op.parameters.filter((p) => p.in === 'path').map((p) => p.name).sort(), path).toEqual(variables);
      }
    }
  });

  it('generates request bodies, query parameters and responses from the zod schemas', () => {
    // Walking a generated JSON document: its shape is what the assertions check.
    const paths = openApiDocument.paths as Record<string, Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const addKey = paths['/api/v1/namespaces/{namespace}/gpg-keys']!.post;
    expect(addKey.requestBody.content['application/json'].schema).toMatchObject({ type: 'object', required: ['asciiArmor'], properties: { sourceUrl: { format: 'uri' } } });
    expect(addKey.responses['201'].content['application/json'].schema.required).toEqual(expect.arrayContaining(['keyId', 'asciiArmor', 'createdAt']));
    expect(addKey.responses['415']).toEqual({ $ref: '#/components/responses/Error' });
    const search = paths['/api/v1/search']!.get;
    expect(search.parameters).toContainEqual({ name: 'sort', in: 'query', required: false, schema: expect.objectContaining({ enum: ['recent', 'downloads', 'name'] }) });
    expect(search.responses['200'].content['application/json'].schema.properties.items.items.properties.latestVersion).toEqual({ type: ['string', 'null'] });
    expect(openApiDocument.components.responses.Error.content['application/json'].schema).toMatchObject({ required: ['error'] });
  });
});
