import type { Client } from '@temporalio/client';
import type { Config } from '../core/config';
import type { Db } from '../core/db/knex';
import type { Logger } from '../core/log';
import type { BlobStorage } from '../core/storage/storage';
import type { ResponseCache } from './protocol/response-cache';

/** Everything the API needs, built by the entry point (or a test) and passed to `createApp`. */
export interface AppDeps {
  config: Config;
  db: Db;
  storage: BlobStorage;
  temporal: Client;
  log: Logger;
  cache: ResponseCache;
}

/** Koa state set by the middleware. */
export interface AppState {
  requestId: string;
  log: Logger;
  token?: { id: string; name: string; scopes: string[] };
}
