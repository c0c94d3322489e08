// oidc-provider ships no types (and @types/oidc-provider is not installed): the little the SSO tests use.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';
  import type Koa from 'koa';

  interface OidcContext {
    provider: Provider;
    client?: { clientId: string };
    session?: { accountId: string };
  }
  type ProviderContext = Koa.Context & { oidc: OidcContext };

  interface Account {
    accountId: string;
    claims(use: string, scope: string): Record<string, unknown> | Promise<Record<string, unknown>>;
  }

  interface Configuration {
    clients?: Record<string, unknown>[];
    jwks?: { keys: Record<string, unknown>[] };
    cookies?: { keys?: string[] };
    pkce?: { required?: (ctx: ProviderContext, client: unknown) => boolean };
    claims?: Record<string, string[]>;
    features?: Record<string, { enabled: boolean }>;
    ttl?: Record<string, number | ((ctx: ProviderContext, token: unknown, client: unknown) => number)>;
    findAccount?: (ctx: ProviderContext, sub: string) => Account | undefined | Promise<Account | undefined>;
    loadExistingGrant?: (ctx: ProviderContext) => Promise<Grant | undefined>;
  }

  class Grant {
    constructor(init: { clientId: string; accountId: string });
    addOIDCScope(scope: string): void;
    save(): Promise<string>;
  }

  class Provider extends Koa<Koa.DefaultState, ProviderContext> {
    constructor(issuer: string, configuration?: Configuration);
    Grant: typeof Grant;
    interactionFinished(req: IncomingMessage, res: ServerResponse, result: Record<string, unknown>, options?: { mergeWithLastSubmission?: boolean }): Promise<void>;
  }

  export default Provider;
  export { Provider };
}
