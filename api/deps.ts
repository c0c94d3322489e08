import type { Client } from '@temporalio/client';
import type { IdentityResolver } from '../core/auth/identity-resolver';
import type { NamespaceDirectory, NamespaceInfo } from '../core/auth/namespace-directory';
import type { OidcClients } from '../core/auth/oidc-clients';
import type { Identity } from '../core/auth/principal';
import type { Config } from '../core/config';
import type { Db } from '../core/db/knex';
import type { Logger } from '../core/log';
import type { InboxHub } from '../core/notifications/inbox-events';
import type { NotificationRuntime } from '../core/notifications/runtime';
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
  /** Bearer tokens and session cookies → principal and access (cached ≤ 3 s). */
  identity: IdentityResolver;
  /** Namespaces' organisations and visibility (reloaded every few seconds). */
  namespaces: NamespaceDirectory;
  /** The configured OpenID Connect providers (discovered on first use). */
  oidc: OidcClients;
  /** Link signing and sealing for notifications (the API sends no mail itself: workflows do). */
  notifications: NotificationRuntime;
  /** Live inbox changes of every user (PostgreSQL LISTEN), for the notification stream. */
  inbox: InboxHub;
}

/** Koa state set by the middleware. */
export interface AppState extends BodyState {
  requestId: string;
  log: Logger;
  /** Who is asking (api/middleware/identity.ts); anonymous when no credential was sent. */
  identity: Identity;
  /** The namespace of the path, once a route-level check has loaded it. */
  namespaceInfo?: NamespaceInfo;
}
