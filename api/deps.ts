import type { Client } from '@temporalio/client';
import type { Config } from '../core/config';
import type { Db } from '../core/db/knex';
import type { Logger } from '../core/log';
import type { ApiMetrics } from '../core/observability/api-metrics';
import type { BlobStorage } from '../core/storage/storage';
import type { BodyState } from './body';
import type { ResponseCache } from './protocol/response-cache';

/** Everything the API needs, built by the entry point (or a test) and passed to `createApp`. */
export interface AppDeps {
  config: Config;
  db: Db;
  storage: BlobStorage;
  temporal: Client;
  log: Logger;
  cache: ResponseCache;
  metrics: ApiMetrics;
}

/** Koa state set by the middleware. */
export interface AppState extends BodyState {
  requestId: string;
  log: Logger;
  token?: { id: string; name: string; scopes: string[] };
}
