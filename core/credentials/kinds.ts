import { createPrivateKey } from 'node:crypto';
import { z } from 'zod';

/**
 * The kinds of cloud credentials Strata stores, and per kind: the secret fields (the API's `secret` object,
 * write-only, sealed at rest), the settings (plain, shown back), and the environment variables a run receives.
 * This registry is the one place that knows what a kind looks like; the API, the checks and the runs read it.
 */
export const CREDENTIAL_KINDS = ['aws', 'azure', 'gcp', 'digitalocean', 'hetzner'] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

export const isCredentialKind = (s: unknown): s is CredentialKind => typeof s === 'string' && (CREDENTIAL_KINDS as readonly string[]).includes(s);

const field = z.string().trim().min(1).max(4096);
const endpoint = z.string().trim().min(1).max(2048);

/** A Google service-account key file as `gcloud iam service-accounts keys create` writes it. */
export const serviceAccountKey = z.looseObject({
  type: z.literal('service_account', { error: 'type must be "service_account" (a service-account key file)' }),
  project_id: z.string().min(1).optional(),
  private_key_id: z.string().min(1, 'private_key_id is missing'),
  private_key: z.string().min(1, 'private_key is missing'),
  client_email: z.email('client_email must be the service account\'s email address'),
  token_uri: z.url('token_uri must be a URL').optional(),
});
export type ServiceAccountKey = z.infer<typeof serviceAccountKey>;

/** Parses `serviceAccountJson`; every problem is one clear sentence. */
export function parseServiceAccountJson(text: string): { ok: true; key: ServiceAccountKey } | { ok: false; message: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, message: 'serviceAccountJson is not valid JSON (paste the whole key file)' };
  }
  const parsed = serviceAccountKey.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
    return { ok: false, message: `serviceAccountJson is not a service-account key: ${where}${issue.message}` };
  }
  try {
    if (createPrivateKey(parsed.data.private_key).asymmetricKeyType !== 'rsa') throw new Error('not RSA');
  } catch {
    return { ok: false, message: 'serviceAccountJson is not a service-account key: private_key is not an RSA private key in PEM form' };
  }
  return { ok: true, key: parsed.data };
}

// Keys are optional here: an `aws` credential with `settings.roleArn` and no static key uses workload identity.
const awsSecret = z.strictObject({ accessKeyId: field.max(128).optional(), secretAccessKey: field.max(256).optional(), sessionToken: field.optional() });
const azureSecret = z.strictObject({ tenantId: field.max(128), clientId: field.max(128), clientSecret: field, subscriptionId: field.max(128) });
const gcpSecret = z.strictObject({ serviceAccountJson: z.string().min(1).max(16_384) }).superRefine((v, ctx) => {
  const parsed = parseServiceAccountJson(v.serviceAccountJson);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', path: ['serviceAccountJson'], message: parsed.message });
});
const tokenSecret = z.strictObject({ token: field });

const region = z.string().trim().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'region must look like us-east-1');
const roleArn = z.string().trim().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, 'roleArn must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)');
const project = z.string().trim().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, 'project must be a Google Cloud project ID');

const awsSettings = z.strictObject({ region: region.optional(), endpoint: endpoint.optional(), roleArn: roleArn.optional() });
const endpointOnly = z.strictObject({ endpoint: endpoint.optional() });
const gcpSettings = z.strictObject({ project: project.optional(), endpoint: endpoint.optional() });

export interface KindSpec {
  label: string;
  secret: z.ZodType<Record<string, string | undefined>>;
  settings: z.ZodType<CredentialSettings>;
  /** Field names of the secret; `optional` ones may be left out. */
  secretFields: { name: string; optional?: boolean; multiline?: boolean }[];
  settingFields: string[];
}

export interface CredentialSettings {
  region?: string;
  /** A compatible or private API endpoint (obeys the private-network policy). */
  endpoint?: string;
  roleArn?: string;
  project?: string;
}

export const kinds: Record<CredentialKind, KindSpec> = {
  aws: {
    label: 'AWS',
    secret: awsSecret,
    settings: awsSettings,
    secretFields: [{ name: 'accessKeyId' }, { name: 'secretAccessKey' }, { name: 'sessionToken', optional: true }],
    settingFields: ['region', 'endpoint', 'roleArn'],
  },
  azure: {
    label: 'Azure',
    secret: azureSecret,
    settings: endpointOnly,
    secretFields: [{ name: 'tenantId' }, { name: 'clientId' }, { name: 'clientSecret' }, { name: 'subscriptionId' }],
    settingFields: ['endpoint'],
  },
  gcp: {
    label: 'Google Cloud',
    secret: gcpSecret,
    settings: gcpSettings,
    secretFields: [{ name: 'serviceAccountJson', multiline: true }],
    settingFields: ['project', 'endpoint'],
  },
  digitalocean: { label: 'DigitalOcean', secret: tokenSecret, settings: endpointOnly, secretFields: [{ name: 'token' }], settingFields: ['endpoint'] },
  hetzner: { label: 'Hetzner Cloud', secret: tokenSecret, settings: endpointOnly, secretFields: [{ name: 'token' }], settingFields: ['endpoint'] },
};

/** The secret of a kind, as sealed: only the fields the kind declares. */
export type CredentialSecret = Record<string, string>;

export type ParsedCredential = { kind: CredentialKind; secret: CredentialSecret; settings: CredentialSettings };

/**
 * Checks `kind`, `secret` and `settings` against the registry. Unknown kinds, missing or extra fields and a
 * malformed service-account key fail with one message naming every problem (the API answers it with 400).
 */
export function parseCredential(input: { kind: unknown; secret: unknown; settings?: unknown }): { ok: true; value: ParsedCredential } | { ok: false; message: string } {
  if (!isCredentialKind(input.kind)) {
    return { ok: false, message: `unknown credential kind ${JSON.stringify(input.kind)}; use one of ${CREDENTIAL_KINDS.join(', ')}` };
  }
  const spec = kinds[input.kind];
  const problems: string[] = [];
  const secret = spec.secret.safeParse(input.secret);
  if (!secret.success) problems.push(...describe('secret', secret.error));
  const settings = spec.settings.safeParse(input.settings ?? {});
  if (!settings.success) problems.push(...describe('settings', settings.error));
  if (input.kind === 'aws' && secret.success) problems.push(...awsKeyProblems(secret.data, settings.success ? settings.data : {}));
  if (problems.length > 0 || !secret.success || !settings.success) return { ok: false, message: `invalid ${input.kind} credential: ${problems.join('; ')}` };
  const cleanSecret = Object.fromEntries(Object.entries(secret.data).filter((e): e is [string, string] => typeof e[1] === 'string'));
  return { ok: true, value: { kind: input.kind, secret: cleanSecret, settings: settings.data } };
}

function awsKeyProblems(secret: Record<string, string | undefined>, settings: CredentialSettings): string[] {
  const { accessKeyId, secretAccessKey, sessionToken } = secret;
  if (!accessKeyId && !secretAccessKey) {
    if (sessionToken) return ['secret.sessionToken needs secret.accessKeyId and secret.secretAccessKey'];
    return settings.roleArn ? [] : ['secret.accessKeyId and secret.secretAccessKey are required (or settings.roleArn alone, for workload identity)'];
  }
  if (!accessKeyId) return ['secret.accessKeyId is required'];
  if (!secretAccessKey) return ['secret.secretAccessKey is required'];
  return [];
}

/** True for an `aws` credential without a static key: exchanged per run through workload identity. */
export const usesWorkloadIdentity = (kind: CredentialKind, secret: CredentialSecret, settings: CredentialSettings): boolean =>
  kind === 'aws' && !secret.accessKeyId && Boolean(settings.roleArn);

function describe(prefix: string, error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') return `${prefix} has unknown field(s) ${issue.keys.join(', ')}`;
    if (issue.code === 'invalid_type' && issue.path.length === 0) return `${prefix} must be an object`;
    const path = [prefix, ...issue.path.map(String)].join('.');
    if (issue.code === 'invalid_type' && issue.input === undefined) return `${path} is required`;
    return `${path}: ${issue.message}`;
  });
}

/** The AWS region a credential uses when its settings name none. */
export const DEFAULT_AWS_REGION = 'us-east-1';

/**
 * The environment variables a run receives for a credential: what each cloud's Terraform provider and CLI read.
 * The secret must be one {@link parseCredential} accepted for the kind.
 */
export function credentialEnv(kind: CredentialKind, secret: CredentialSecret, settings: CredentialSettings): Record<string, string> {
  switch (kind) {
    case 'aws': {
      const region = settings.region ?? DEFAULT_AWS_REGION;
      // Without a static key (workload identity) the run's exchange adds the short-lived keys.
      const env: Record<string, string> = { AWS_REGION: region, AWS_DEFAULT_REGION: region };
      if (secret.accessKeyId && secret.secretAccessKey) Object.assign(env, { AWS_ACCESS_KEY_ID: secret.accessKeyId, AWS_SECRET_ACCESS_KEY: secret.secretAccessKey });
      if (secret.sessionToken) env.AWS_SESSION_TOKEN = secret.sessionToken;
      if (settings.endpoint) env.AWS_ENDPOINT_URL = settings.endpoint;
      return env;
    }
    case 'azure':
      return { ARM_TENANT_ID: secret.tenantId!, ARM_CLIENT_ID: secret.clientId!, ARM_CLIENT_SECRET: secret.clientSecret!, ARM_SUBSCRIPTION_ID: secret.subscriptionId! };
    case 'gcp': {
      const parsed = parseServiceAccountJson(secret.serviceAccountJson!);
      const project = settings.project ?? (parsed.ok ? parsed.key.project_id : undefined);
      const env: Record<string, string> = { GOOGLE_CREDENTIALS: secret.serviceAccountJson! };
      if (project) Object.assign(env, { GOOGLE_PROJECT: project, GOOGLE_CLOUD_PROJECT: project });
      return env;
    }
    case 'digitalocean':
      return { DIGITALOCEAN_TOKEN: secret.token!, DIGITALOCEAN_ACCESS_TOKEN: secret.token! };
    case 'hetzner':
      return { HCLOUD_TOKEN: secret.token! };
  }
}
