import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError, configProblems, formatConfigError } from './config-errors';
import { DEFAULT_OIDC_SCOPES, readOidcProviders, type OidcProviderConfig } from './config-oidc';

const MiB = 1024 * 1024;

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const schema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    HOST: z.string().default('0.0.0.0'),
    STRATA_PUBLIC_URL: z.url().optional(),
    STRATA_TLS_CERT: z.string().optional(),
    STRATA_TLS_KEY: z.string().optional(),
    STRATA_DATA_DIR: z.string().default('.data'),
    STRATA_BOOTSTRAP_TOKEN: z.string().min(20).optional(),
    STRATA_SIGNING_SECRET: z.string().min(32).optional(),
    STRATA_ENCRYPTION_KEY: z.string().min(32).optional(),
    STRATA_ALLOW_PRIVATE_NETWORKS: bool.optional(),
    STRATA_VCS_ALLOW_PRIVATE_NETWORKS: bool.default(false),
    STRATA_VCS_RECONCILE_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
    STRATA_CREDENTIAL_CHECK_HOURS: z.coerce.number().int().min(1).max(720).default(6),
    DATABASE_URL: z.string().optional(),
    TEMPORAL_ADDRESS: z.string().optional(),
    TEMPORAL_NAMESPACE: z.string().default('default'),
    STRATA_TASK_QUEUE: z.string().default('strata'),
    STRATA_TEMPORAL_PORT: z.coerce.number().int().default(7233),
    STRATA_TEMPORAL_UI_PORT: z.coerce.number().int().default(8233),
    STRATA_TEMPORAL_UI_URL: z.url().optional(),
    STRATA_STORAGE: z.enum(['local', 's3', 'azure']).default('local'),
    STRATA_STORAGE_DIR: z.string().optional(),
    STRATA_S3_ENDPOINT: z.url().optional(),
    STRATA_S3_REGION: z.string().min(1).default('us-east-1'),
    STRATA_S3_BUCKET: z.string().min(3).optional(),
    STRATA_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
    STRATA_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
    STRATA_S3_FORCE_PATH_STYLE: bool.default(false),
    STRATA_S3_PUBLIC_ENDPOINT: z.url().optional(),
    STRATA_AZURE_CONNECTION_STRING: z.string().min(1).optional(),
    STRATA_AZURE_ACCOUNT_NAME: z.string().min(1).optional(),
    STRATA_AZURE_ACCOUNT_KEY: z.string().min(1).optional(),
    STRATA_AZURE_ENDPOINT: z.url().optional(),
    STRATA_AZURE_CONTAINER: z.string().min(3).optional(),
    STRATA_AZURE_PUBLIC_ENDPOINT: z.url().optional(),
    STRATA_SIGNED_URL_TTL_SECONDS: z.coerce.number().int().min(60).default(900),
    STRATA_MAX_MODULE_UPLOAD_BYTES: z.coerce.number().int().positive().default(100 * MiB),
    STRATA_MAX_PROVIDER_UPLOAD_BYTES: z.coerce.number().int().positive().default(2048 * MiB),
    STRATA_MAX_UNCOMPRESSED_BYTES: z.coerce.number().int().positive().default(512 * MiB),
    STRATA_MAX_ARCHIVE_ENTRIES: z.coerce.number().int().positive().default(10_000),
    STRATA_MAX_STATE_BYTES: z.coerce.number().int().positive().default(32 * MiB),
    STRATA_BODY_MEMORY_BYTES: z.coerce.number().int().positive().default(64 * MiB),
    STRATA_UPLOAD_IDLE_SECONDS: z.coerce.number().positive().default(60),
    STRATA_STAGING_MAX_AGE_HOURS: z.coerce.number().positive().default(24),
    STRATA_EMBEDDED_PG_PORT: z.coerce.number().int().default(5433),
    STRATA_SERVE_WEB: bool.default(true),
    STRATA_MIRROR_HOSTNAMES: z.string().default(''),
    STRATA_METRICS_TOKEN: z.string().min(16).optional(),
    STRATA_WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
    STRATA_SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).default(720),
    STRATA_SESSION_MAX_HOURS: z.coerce.number().int().min(1).default(168),
    STRATA_NAMESPACE_DEFAULT_VISIBILITY: z.enum(['private', 'public']).default('private'),
    STRATA_LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).default(10),
    STRATA_LOGIN_LOCK_MINUTES: z.coerce.number().int().min(1).default(15),
    STRATA_OIDC_ISSUER: z.url().optional(),
    STRATA_OIDC_CLIENT_ID: z.string().min(1).optional(),
    STRATA_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
    STRATA_OIDC_GROUPS_CLAIM: z.string().min(1).default('groups'),
    STRATA_OIDC_NAME: z.string().trim().min(1).max(100).default('Single sign-on'),
    STRATA_OIDC_SCOPES: z.string().min(1).default(DEFAULT_OIDC_SCOPES),
    STRATA_OIDC_PROVIDERS: z.string().optional(),
    STRATA_TOKEN_CREATE_LIMIT: z.coerce.number().int().min(0).default(20),
    STRATA_TOKEN_CREATE_WINDOW_MINUTES: z.coerce.number().int().min(1).default(60),
    STRATA_UPLOAD_LIMIT: z.coerce.number().int().min(0).default(60),
    STRATA_UPLOAD_WINDOW_MINUTES: z.coerce.number().int().min(1).default(10),
    STRATA_PASSWORD_RESET_LIMIT: z.coerce.number().int().min(0).default(5),
    STRATA_PASSWORD_RESET_WINDOW_MINUTES: z.coerce.number().int().min(1).default(60),
    STRATA_TOFU_BIN: z.string().min(1).optional(),
    PATH: z.string().default('/usr/local/bin:/usr/bin:/bin'),
    STRATA_TERRAFORM_BIN: z.string().min(1).optional(),
    STRATA_PULUMI_BIN: z.string().min(1).optional(),
    STRATA_ENGINE_CA_FILE: z.string().min(1).optional(),
    STRATA_MAX_CONFIGURATION_BYTES: z.coerce.number().int().positive().default(50 * MiB),
    STRATA_RUN_REMINDER_HOURS: z.coerce.number().positive().default(24),
    STRATA_WORKLOAD_KEY_ROTATION_HOURS: z.coerce.number().int().min(1).max(8760).default(168),
    STRATA_WORKLOAD_TOKEN_MINUTES: z.coerce.number().int().min(5).max(720).default(60),
    STRATA_SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
    STRATA_MAIL_FROM: z.string().min(3).default('Strata <strata@localhost>'),
    LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .refine((c) => Boolean(c.STRATA_TLS_CERT) === Boolean(c.STRATA_TLS_KEY), {
    message: 'STRATA_TLS_CERT and STRATA_TLS_KEY must be set together',
  })
  .superRefine((c, ctx) => {
    const problem = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (Boolean(c.STRATA_S3_ACCESS_KEY_ID) !== Boolean(c.STRATA_S3_SECRET_ACCESS_KEY)) {
      problem('STRATA_S3_ACCESS_KEY_ID', 'STRATA_S3_ACCESS_KEY_ID and STRATA_S3_SECRET_ACCESS_KEY must be set together');
    }
    if (c.STRATA_STORAGE === 's3' && !c.STRATA_S3_BUCKET) problem('STRATA_S3_BUCKET', 'required when STRATA_STORAGE=s3');
    if (c.STRATA_STORAGE === 'azure') {
      if (!c.STRATA_AZURE_CONTAINER) problem('STRATA_AZURE_CONTAINER', 'required when STRATA_STORAGE=azure');
      const byAccount = Boolean(c.STRATA_AZURE_ACCOUNT_NAME && c.STRATA_AZURE_ACCOUNT_KEY);
      if (Boolean(c.STRATA_AZURE_CONNECTION_STRING) === byAccount) {
        problem(
          'STRATA_AZURE_CONNECTION_STRING',
          'set either STRATA_AZURE_CONNECTION_STRING or STRATA_AZURE_ACCOUNT_NAME with STRATA_AZURE_ACCOUNT_KEY when STRATA_STORAGE=azure',
        );
      }
    }
    for (const p of readOidcProviders(c).problems) problem(p.variable, p.message);
  });

/** Where archives and release files live; each kind is one backend of core/storage. */
export type StorageConfig =
  | { kind: 'local'; dir: string }
  | {
      kind: 's3';
      bucket: string;
      region: string;
      /** null: the AWS endpoint for the region. */
      endpoint: string | null;
      /** Origin written into presigned URLs when clients reach the store under another address than Strata. */
      publicEndpoint: string | null;
      forcePathStyle: boolean;
      /** null: the AWS SDK's default credential chain (instance roles, web identity, …). */
      credentials: { accessKeyId: string; secretAccessKey: string } | null;
    }
  | {
      kind: 'azure';
      container: string;
      connectionString: string | null;
      account: { name: string; key: string; endpoint: string | null } | null;
      /** Blob service URL written into SAS URLs when clients reach the store under another address. */
      publicEndpoint: string | null;
    };

/** At most `limit` requests per `windowSeconds` (0: no limit). */
export interface RateLimit {
  limit: number;
  windowSeconds: number;
}

export interface Config {
  port: number;
  host: string;
  /** External base URL without a trailing slash: used in discovery, signed URLs and status URLs. */
  publicUrl: string;
  tls: { certFile: string; keyFile: string } | null;
  dataDir: string;
  bootstrapToken: string | null;
  /** HMAC key for signed blob URLs; the embedded default generates and persists one. */
  signingSecret: string | null;
  /** Master key (hex or base64, 32 bytes) sealing stored secrets; the embedded default generates and persists one. */
  encryptionKey: string | null;
  /**
   * Lets outbound URLs that users configure (VCS base URLs, webhook endpoints, cloud credential endpoints) reach
   * loopback, link-local and private addresses, and plain http. Off by default. One setting for all of them.
   */
  network: { allowPrivateNetworks: boolean };
  vcs: {
    /** The same value as `network.allowPrivateNetworks` (kept for the VCS code that reads it here). */
    allowPrivateNetworks: boolean;
    /** How often the scheduled reconcile looks for missed webhooks and moved tags. */
    reconcileIntervalMinutes: number;
  };
  credentials: {
    /** How often the scheduled check re-validates every stored cloud credential. */
    checkIntervalHours: number;
  };
  databaseUrl: string | null;
  temporal: {
    address: string | null;
    namespace: string;
    taskQueue: string;
    devPort: number;
    uiPort: number;
    uiUrl: string;
  };
  storage: StorageConfig;
  signedUrlTtlSeconds: number;
  runs: {
    /** Engine binaries: null means `tofu` / `terraform` on PATH. */
    tofuBin: string | null;
    terraformBin: string | null;
    /** The Pulumi CLI for plugin deployments: null means `pulumi` on PATH. */
    pulumiBin: string | null;
    /** A CA bundle the engines trust when they call Strata (SSL_CERT_FILE), for a private CA. */
    caFile: string | null;
    /** The PATH the engines run with (nothing else of the worker's environment reaches them). */
    enginePath: string;
    maxConfigurationBytes: number;
    /** How often a run waiting for approval reminds its approvers. */
    reminderHours: number;
  };
  limits: {
    maxModuleUploadBytes: number;
    maxProviderUploadBytes: number;
    maxUncompressedBytes: number;
    maxArchiveEntries: number;
    /** Largest state file a workspace's http state backend accepts (one version). */
    maxStateBytes: number;
    /** Bytes all in-flight buffered request bodies (JSON, webhooks) may hold together; past it the API answers 503. */
    bodyMemoryBytes: number;
    /** An upload that sends no byte for this long is cut with 408; there is no limit on its total duration. */
    uploadIdleSeconds: number;
    /** Staged uploads and worker temp directories older than this are swept. */
    stagingMaxAgeHours: number;
  };
  embeddedPostgresPort: number;
  serveWeb: boolean;
  /**
   * Hostnames (besides the public URL's host) under which the network mirror serves hosted providers. Clients
   * cannot ask a mirror for a `host:port` origin (they fail to parse the relative URL), so a registry on a
   * non-default port needs a port-less alias here.
   */
  mirrorHostnames: string[];
  observability: {
    /** Bearer token `/metrics` requires; null leaves it open (for scrapers on an internal network). */
    metricsToken: string | null;
    /** Port of the worker process's own `/metrics` server; null: the worker serves none. */
    workerMetricsPort: number | null;
  };
  identity: {
    /** A dashboard session ends after this long without a request… */
    sessionIdleSeconds: number;
    /** …and this long after sign-in, whatever happens. */
    sessionMaxSeconds: number;
    /** Visibility of a namespace created without one (also when a platform admin publishes into a new namespace). */
    defaultVisibility: 'private' | 'public';
    /** Failed sign-ins in a row before an account is locked… */
    loginMaxFailures: number;
    /** …for this long. */
    loginLockSeconds: number;
    /** OpenID Connect providers people may sign in with (none: password only). */
    oidcProviders: OidcProviderConfig[];
  };
  /**
   * Fixed-window request limits (429 with `Retry-After` beyond them), counted in PostgreSQL so they hold across
   * API processes. A limit of 0 turns one off.
   */
  rateLimits: {
    /** API tokens created per principal. */
    tokenCreate: RateLimit;
    /** Module and provider uploads per principal. */
    upload: RateLimit;
    /** Password-reset requests per email address (and five times as many per client IP). */
    passwordReset: RateLimit;
  };
  /**
   * Strata as an OpenID Connect issuer of short-lived ID tokens for run phases, which clouds exchange for
   * temporary credentials (core/workload-identity).
   */
  workloadIdentity: {
    /** A new signing key takes over this long after the current one was made… */
    keyRotationSeconds: number;
    /** …and the old one stays published until the last token it signed (valid this long) has expired. */
    tokenLifetimeSeconds: number;
  };
  /**
   * Outgoing email (notifications, account links). `smtp://user:pass@host:587` upgrades with STARTTLS when the
   * server offers it; `smtps://` is TLS from the start. Without a URL, email deliveries are recorded as skipped.
   */
  mail: { smtpUrl: string | null; from: string };
  logLevel: string;
  /** `auto`: pretty when standard output is a terminal, JSON otherwise. */
  logFormat: 'auto' | 'json' | 'pretty';
}

/**
 * Parses the environment once at start-up. This is the only module that reads `process.env`; a bad value
 * fails fast with every problem listed.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new ConfigError(configProblems(parsed.error.issues, env));
  const e = parsed.data;
  const tls = e.STRATA_TLS_CERT && e.STRATA_TLS_KEY ? { certFile: e.STRATA_TLS_CERT, keyFile: e.STRATA_TLS_KEY } : null;
  const dataDir = resolve(e.STRATA_DATA_DIR);
  const publicUrl = (e.STRATA_PUBLIC_URL ?? `${tls ? 'https' : 'http'}://localhost:${e.PORT}`).replace(/\/+$/, '');
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl,
    tls,
    dataDir,
    bootstrapToken: e.STRATA_BOOTSTRAP_TOKEN ?? null,
    signingSecret: e.STRATA_SIGNING_SECRET ?? null,
    encryptionKey: e.STRATA_ENCRYPTION_KEY ?? null,
    network: { allowPrivateNetworks: e.STRATA_ALLOW_PRIVATE_NETWORKS ?? e.STRATA_VCS_ALLOW_PRIVATE_NETWORKS },
    vcs: { allowPrivateNetworks: e.STRATA_ALLOW_PRIVATE_NETWORKS ?? e.STRATA_VCS_ALLOW_PRIVATE_NETWORKS, reconcileIntervalMinutes: e.STRATA_VCS_RECONCILE_MINUTES },
    credentials: { checkIntervalHours: e.STRATA_CREDENTIAL_CHECK_HOURS },
    databaseUrl: e.DATABASE_URL ?? null,
    temporal: {
      address: e.TEMPORAL_ADDRESS ?? null,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.STRATA_TASK_QUEUE,
      devPort: e.STRATA_TEMPORAL_PORT,
      uiPort: e.STRATA_TEMPORAL_UI_PORT,
      uiUrl: (e.STRATA_TEMPORAL_UI_URL ?? `http://localhost:${e.STRATA_TEMPORAL_UI_PORT}`).replace(/\/+$/, ''),
    },
    storage: storageConfig(e, dataDir),
    signedUrlTtlSeconds: e.STRATA_SIGNED_URL_TTL_SECONDS,
    runs: {
      tofuBin: e.STRATA_TOFU_BIN ?? null,
      terraformBin: e.STRATA_TERRAFORM_BIN ?? null,
      pulumiBin: e.STRATA_PULUMI_BIN ?? null,
      caFile: e.STRATA_ENGINE_CA_FILE ? resolve(e.STRATA_ENGINE_CA_FILE) : null,
      enginePath: e.PATH,
      maxConfigurationBytes: e.STRATA_MAX_CONFIGURATION_BYTES,
      reminderHours: e.STRATA_RUN_REMINDER_HOURS,
    },
    limits: {
      maxModuleUploadBytes: e.STRATA_MAX_MODULE_UPLOAD_BYTES,
      maxProviderUploadBytes: e.STRATA_MAX_PROVIDER_UPLOAD_BYTES,
      maxUncompressedBytes: e.STRATA_MAX_UNCOMPRESSED_BYTES,
      maxArchiveEntries: e.STRATA_MAX_ARCHIVE_ENTRIES,
      maxStateBytes: e.STRATA_MAX_STATE_BYTES,
      bodyMemoryBytes: e.STRATA_BODY_MEMORY_BYTES,
      uploadIdleSeconds: e.STRATA_UPLOAD_IDLE_SECONDS,
      stagingMaxAgeHours: e.STRATA_STAGING_MAX_AGE_HOURS,
    },
    embeddedPostgresPort: e.STRATA_EMBEDDED_PG_PORT,
    serveWeb: e.STRATA_SERVE_WEB,
    mirrorHostnames: e.STRATA_MIRROR_HOSTNAMES.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean),
    observability: { metricsToken: e.STRATA_METRICS_TOKEN ?? null, workerMetricsPort: e.STRATA_WORKER_METRICS_PORT ?? null },
    identity: {
      sessionIdleSeconds: e.STRATA_SESSION_IDLE_MINUTES * 60,
      sessionMaxSeconds: e.STRATA_SESSION_MAX_HOURS * 3600,
      defaultVisibility: e.STRATA_NAMESPACE_DEFAULT_VISIBILITY,
      loginMaxFailures: e.STRATA_LOGIN_MAX_FAILURES,
      loginLockSeconds: e.STRATA_LOGIN_LOCK_MINUTES * 60,
      oidcProviders: readOidcProviders(e).providers,
    },
    rateLimits: {
      tokenCreate: { limit: e.STRATA_TOKEN_CREATE_LIMIT, windowSeconds: e.STRATA_TOKEN_CREATE_WINDOW_MINUTES * 60 },
      upload: { limit: e.STRATA_UPLOAD_LIMIT, windowSeconds: e.STRATA_UPLOAD_WINDOW_MINUTES * 60 },
      passwordReset: { limit: e.STRATA_PASSWORD_RESET_LIMIT, windowSeconds: e.STRATA_PASSWORD_RESET_WINDOW_MINUTES * 60 },
    },
    workloadIdentity: {
      keyRotationSeconds: e.STRATA_WORKLOAD_KEY_ROTATION_HOURS * 3600,
      tokenLifetimeSeconds: e.STRATA_WORKLOAD_TOKEN_MINUTES * 60,
    },
    mail: { smtpUrl: e.STRATA_SMTP_URL ?? null, from: e.STRATA_MAIL_FROM },
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
  };
}

function storageConfig(e: z.infer<typeof schema>, dataDir: string): StorageConfig {
  if (e.STRATA_STORAGE === 's3') {
    return {
      kind: 's3',
      bucket: e.STRATA_S3_BUCKET!,
      region: e.STRATA_S3_REGION,
      endpoint: e.STRATA_S3_ENDPOINT ?? null,
      publicEndpoint: e.STRATA_S3_PUBLIC_ENDPOINT ?? null,
      forcePathStyle: e.STRATA_S3_FORCE_PATH_STYLE,
      credentials:
        e.STRATA_S3_ACCESS_KEY_ID && e.STRATA_S3_SECRET_ACCESS_KEY
          ? { accessKeyId: e.STRATA_S3_ACCESS_KEY_ID, secretAccessKey: e.STRATA_S3_SECRET_ACCESS_KEY }
          : null,
    };
  }
  if (e.STRATA_STORAGE === 'azure') {
    return {
      kind: 'azure',
      container: e.STRATA_AZURE_CONTAINER!,
      connectionString: e.STRATA_AZURE_CONNECTION_STRING ?? null,
      account:
        e.STRATA_AZURE_ACCOUNT_NAME && e.STRATA_AZURE_ACCOUNT_KEY
          ? { name: e.STRATA_AZURE_ACCOUNT_NAME, key: e.STRATA_AZURE_ACCOUNT_KEY, endpoint: e.STRATA_AZURE_ENDPOINT ?? null }
          : null,
      publicEndpoint: e.STRATA_AZURE_PUBLIC_ENDPOINT ?? null,
    };
  }
  return { kind: 'local', dir: resolve(e.STRATA_STORAGE_DIR ?? `${dataDir}/blobs`) };
}

/**
 * {@link loadConfig} for an entry point: a bad environment prints one line per wrong variable with how to fix
 * it, and exits with code 1 — an operator's mistake, not a crash, so no stack trace.
 */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${formatConfigError(err)}\n`);
    process.exit(1);
  }
}

/** The environment for a child process of Strata's own (the embedded launcher's worker): this one plus overrides. */
export function childEnvironment(overrides: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, ...overrides };
}

/** The log format to use: `LOG_FORMAT`, or with `auto` pretty lines when standard output is a terminal. */
export function logFormatOf(config: Pick<Config, 'logFormat'>, stdoutIsTerminal = process.stdout.isTTY === true): 'json' | 'pretty' {
  if (config.logFormat !== 'auto') return config.logFormat;
  return stdoutIsTerminal ? 'pretty' : 'json';
}

/**
 * OpenTelemetry, read on its own because tracing starts before anything else loads (core/observability/tracing.ts):
 * on when an OTLP endpoint is set (the exporter reads the standard `OTEL_EXPORTER_OTLP_*` variables itself);
 * `OTEL_SERVICE_NAME` overrides the process's service name.
 */
export function tracingSettings(env: NodeJS.ProcessEnv = process.env): { enabled: boolean; serviceName: string | undefined } {
  return {
    enabled: Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim()),
    serviceName: env.OTEL_SERVICE_NAME?.trim() || undefined,
  };
}
