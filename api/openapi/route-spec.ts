import { z } from 'zod';
import { NAME, PROVIDER_TYPE, SYSTEM } from '../../core/registry/names';

/**
 * One HTTP route as the OpenAPI document describes it. The route table (route-table.ts) lists every route; the
 * document is generated from it, and a test checks it against the routes the Koa routers really register.
 */
export interface RouteSpec {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI path template: `/api/v1/modules/{namespace}/{name}/{system}`. */
  path: string;
  summary: string;
  description?: string;
  /** Needs `Authorization: Bearer <token>`. */
  auth?: boolean;
  /** Served by the protocol fast path (api/protocol), not by a Koa router. */
  protocol?: boolean;
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** Accepted request bodies by media type; any other Content-Type is answered 415 `unsupported_media_type`. */
  body?: Record<string, z.ZodType>;
  /**
   * Success statuses with their body (`null`: no body), and `{ mediaType, schema }` for non-JSON answers; also a
   * refusal whose body carries more than the error (a held state lock's 423).
   */
  responses: Record<number, { description: string; schema: z.ZodType | null; mediaType?: string }>;
  /** Error statuses; every one answers `{ "error": { "code", "message" } }`. */
  errors: number[];
}

// Path parameters, with the address rules of core/registry/names.ts.
export const namespaceParam = z.string().regex(NAME);
export const nameParam = z.string().regex(NAME);
export const systemParam = z.string().regex(SYSTEM);
export const providerTypeParam = z.string().regex(PROVIDER_TYPE);
export const versionParam = z.string().max(128).meta({ examples: ['1.2.3'], description: 'a semantic version without a "v" prefix' });

export const moduleParams = z.object({ namespace: namespaceParam, name: nameParam, system: systemParam });
export const moduleVersionParams = moduleParams.extend({ version: versionParam });
export const providerParams = z.object({ namespace: namespaceParam, type: providerTypeParam });
export const providerVersionParams = providerParams.extend({ version: versionParam });

/** A file sent as the raw request body or as a multipart part. */
export const binary = z.string().meta({ format: 'binary' });

export const ok = (description: string, schema: z.ZodType | null = null) => ({ description, schema });
