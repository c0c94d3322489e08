import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { importPKCS8, SignJWT } from 'jose';
import type { NetworkPolicy } from '../vcs/network-policy';
import { checkCloudUrls } from './endpoint-policy';
import { guardedFetch } from '../vcs/guarded-fetch';
import { CLOUD_ENDPOINTS } from './endpoints';
import { DEFAULT_AWS_REGION, parseServiceAccountJson, type CredentialKind, type CredentialSecret, type CredentialSettings } from './kinds';

/**
 * Asking each cloud whether a credential works ("who am I"). A verdict is either `valid` with what the cloud said
 * about the identity, or `invalid` with the cloud's own reason (it refused the credential: 400 with an OAuth
 * error, 401, 403). Anything else — the cloud unreachable, a 5xx, a time-out — is thrown as
 * {@link CloudUnreachable}: not a verdict, the caller retries later.
 */
export type ProbeVerdict =
  | { status: 'valid'; identity: Record<string, string>; expiresAt: Date | null }
  | { status: 'invalid'; reason: string };

/** The cloud could not be asked (network, 5xx, throttling): retry later, the credential is not "invalid". */
export class CloudUnreachable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CloudUnreachable';
  }
}

export interface ProbeDeps {
  policy: NetworkPolicy;
  /** Per request; a cloud that does not answer in time is unreachable, not invalid. */
  timeoutMs?: number;
}

/** Asks the credential's cloud who it is. @throws CloudUnreachable when the cloud could not be asked */
export async function probeCredential(kind: CredentialKind, secret: CredentialSecret, settings: CredentialSettings, deps: ProbeDeps): Promise<ProbeVerdict> {
  await checkCloudUrls({ kind, secret, settings }, deps.policy);
  const http = new CloudHttp(guardedFetch(deps.policy), deps.timeoutMs ?? 15_000);
  switch (kind) {
    case 'aws':
      return probeAws(secret, settings, deps);
    case 'azure':
      return probeAzure(secret, settings, http);
    case 'gcp':
      return probeGcp(secret, settings, http);
    case 'digitalocean':
      return probeDigitalOcean(secret, settings, http);
    case 'hetzner':
      return probeHetzner(secret, settings, http);
  }
}

const base = (settings: CredentialSettings, fallback: string) => (settings.endpoint ?? fallback).replace(/\/+$/, '');

// ---------------------------------------------------------------------------------------------------------- AWS

interface AwsError {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

/** STS client with one attempt per call: Temporal owns the retries (with backoff), not the SDK. */
export function stsClient(secret: CredentialSecret, settings: CredentialSettings, timeoutMs?: number): STSClient {
  return new STSClient({
    region: settings.region ?? DEFAULT_AWS_REGION,
    endpoint: settings.endpoint,
    credentials: { accessKeyId: secret.accessKeyId!, secretAccessKey: secret.secretAccessKey!, sessionToken: secret.sessionToken },
    maxAttempts: 1,
    requestHandler: { requestTimeout: timeoutMs ?? 15_000, connectionTimeout: timeoutMs ?? 15_000 },
  });
}

/** An AWS error as a verdict (the service refused the credential) or, for anything else, {@link CloudUnreachable}. */
export function awsRefusal(err: unknown): { status: 'invalid'; reason: string } {
  const e = err as AwsError;
  const status = e?.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 400 && status < 500 && status !== 429 && e.name !== 'Throttling') {
    return { status: 'invalid', reason: `${e.name ?? 'Error'}: ${e.message ?? 'refused'}` };
  }
  throw new CloudUnreachable(`AWS STS did not answer (${e?.name ?? 'error'}${status ? ` ${status}` : ''}: ${e?.message ?? String(err)})`);
}

async function probeAws(secret: CredentialSecret, settings: CredentialSettings, deps: ProbeDeps): Promise<ProbeVerdict> {
  const sts = stsClient(secret, settings, deps.timeoutMs);
  try {
    const me = await sts.send(new GetCallerIdentityCommand({}));
    const identity: Record<string, string> = { account: me.Account ?? '', arn: me.Arn ?? '', userId: me.UserId ?? '' };
    if (settings.roleArn) {
      // The role is part of the credential: it must be assumable, or runs would fail on it.
      const assumed = await sts.send(new AssumeRoleCommand({ RoleArn: settings.roleArn, RoleSessionName: 'strata-credential-check', DurationSeconds: 900 }));
      identity.assumedRoleArn = assumed.AssumedRoleUser?.Arn ?? settings.roleArn;
    }
    return { status: 'valid', identity, expiresAt: null };
  } catch (err) {
    return awsRefusal(err);
  } finally {
    sts.destroy();
  }
}

// ------------------------------------------------------------------------------------------------------- HTTP

interface CloudResponse {
  status: number;
  body: unknown;
}

/** JSON over the guarded fetch: network failures, time-outs, 5xx and 429 become {@link CloudUnreachable}. */
class CloudHttp {
  constructor(
    private readonly fetch: typeof globalThis.fetch,
    private readonly timeoutMs: number,
  ) {}

  async call(what: string, url: string, init: RequestInit = {}): Promise<CloudResponse> {
    let res: Response;
    try {
      res = await this.fetch(url, { ...init, headers: { accept: 'application/json', ...(init.headers as Record<string, string>) }, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      throw new CloudUnreachable(`${what} could not be reached: ${(err as Error).message}`);
    }
    const text = await res.text();
    if (res.status >= 500 || res.status === 429) throw new CloudUnreachable(`${what} answered ${res.status}; retrying later`);
    try {
      return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
    } catch {
      return { status: res.status, body: text.slice(0, 300) };
    }
  }
}

const refused = (status: number) => status === 400 || status === 401 || status === 403 || status === 404;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});

function unexpected(what: string, r: CloudResponse): never {
  throw new CloudUnreachable(`${what} answered ${r.status} unexpectedly`);
}

// -------------------------------------------------------------------------------------------------------- Azure

/** Microsoft Entra's OAuth error body: `{ error, error_description, error_codes, … }`. */
const oauthReason = (body: unknown, fallback: string) => {
  const b = obj(body);
  return str(b.error_description) ?? str(b.error) ?? fallback;
};

/**
 * Client-credentials grant at the tenant's v2.0 token endpoint (plain fetch, not MSAL), then a read of the
 * subscription through Azure Resource Manager.
 */
async function probeAzure(secret: CredentialSecret, settings: CredentialSettings, http: CloudHttp): Promise<ProbeVerdict> {
  const authority = base(settings, CLOUD_ENDPOINTS.azureAuthority);
  const arm = base(settings, CLOUD_ENDPOINTS.azureResourceManager);
  const token = await http.call('the Microsoft Entra token endpoint', `${authority}/${encodeURIComponent(secret.tenantId!)}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: secret.clientId!, client_secret: secret.clientSecret!, scope: 'https://management.azure.com/.default' }).toString(),
  });
  if (refused(token.status)) return { status: 'invalid', reason: oauthReason(token.body, `the token endpoint refused the client (${token.status})`) };
  const accessToken = str(obj(token.body).access_token);
  if (token.status !== 200 || !accessToken) unexpected('the Microsoft Entra token endpoint', token);
  const sub = await http.call('Azure Resource Manager', `${arm}/subscriptions/${encodeURIComponent(secret.subscriptionId!)}?api-version=2022-12-01`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  if (refused(sub.status)) {
    const e = obj(obj(sub.body).error);
    return { status: 'invalid', reason: `${str(e.code) ?? `HTTP ${sub.status}`}: ${str(e.message) ?? 'the subscription could not be read'}` };
  }
  if (sub.status !== 200) unexpected('Azure Resource Manager', sub);
  const s = obj(sub.body);
  return {
    status: 'valid',
    identity: { subscriptionId: str(s.subscriptionId) ?? secret.subscriptionId!, subscriptionName: str(s.displayName) ?? '', state: str(s.state) ?? '', tenantId: str(s.tenantId) ?? secret.tenantId! },
    expiresAt: null,
  };
}

// ---------------------------------------------------------------------------------------------------------- GCP

/**
 * OAuth 2.0 JWT bearer grant (RFC 7523) at the key file's `token_uri`, signed with the service account's key,
 * then a read of the project through Cloud Resource Manager, and of the key's own expiry through IAM (when the
 * account may read it).
 */
async function probeGcp(secret: CredentialSecret, settings: CredentialSettings, http: CloudHttp): Promise<ProbeVerdict> {
  const parsed = parseServiceAccountJson(secret.serviceAccountJson!);
  if (!parsed.ok) return { status: 'invalid', reason: parsed.message };
  const key = parsed.key;
  const tokenUri = key.token_uri ?? CLOUD_ENDPOINTS.gcpToken;
  const now = Math.floor(Date.now() / 1000);
  const assertion = await new SignJWT({ scope: 'https://www.googleapis.com/auth/cloud-platform' })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.private_key_id })
    .setIssuer(key.client_email)
    .setAudience(tokenUri)
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .sign(await importPKCS8(key.private_key, 'RS256'));
  const token = await http.call('the Google token endpoint', tokenUri, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString(),
  });
  if (refused(token.status)) return { status: 'invalid', reason: oauthReason(token.body, `the token endpoint refused the key (${token.status})`) };
  const accessToken = str(obj(token.body).access_token);
  if (token.status !== 200 || !accessToken) unexpected('the Google token endpoint', token);
  const auth = { authorization: `Bearer ${accessToken}` };
  const projectId = settings.project ?? key.project_id;
  const identity: Record<string, string> = { clientEmail: key.client_email };
  if (projectId) {
    const p = await http.call('Cloud Resource Manager', `${base(settings, CLOUD_ENDPOINTS.gcpResourceManager)}/v1/projects/${encodeURIComponent(projectId)}`, { headers: auth });
    if (refused(p.status)) {
      const e = obj(obj(p.body).error);
      return { status: 'invalid', reason: `${str(e.status) ?? `HTTP ${p.status}`}: ${str(e.message) ?? `project ${projectId} could not be read`}` };
    }
    if (p.status !== 200) unexpected('Cloud Resource Manager', p);
    const body = obj(p.body);
    Object.assign(identity, { projectId: str(body.projectId) ?? projectId, projectName: str(body.name) ?? '', projectNumber: str(body.projectNumber) ?? '' });
  }
  let expiresAt: Date | null = null;
  const k = await http.call(
    'IAM',
    `${base(settings, CLOUD_ENDPOINTS.gcpIam)}/v1/projects/-/serviceAccounts/${encodeURIComponent(key.client_email)}/keys/${encodeURIComponent(key.private_key_id)}`,
    { headers: auth },
  );
  const validBefore = k.status === 200 ? str(obj(k.body).validBeforeTime) : undefined;
  // Keys without an expiry are reported as valid until 9999-12-31.
  if (validBefore && !validBefore.startsWith('9999')) expiresAt = new Date(validBefore);
  return { status: 'valid', identity, expiresAt: expiresAt && !Number.isNaN(expiresAt.getTime()) ? expiresAt : null };
}

// ---------------------------------------------------------------------------------------------- DigitalOcean

async function probeDigitalOcean(secret: CredentialSecret, settings: CredentialSettings, http: CloudHttp): Promise<ProbeVerdict> {
  const r = await http.call('the DigitalOcean API', `${base(settings, CLOUD_ENDPOINTS.digitalocean)}/v2/account`, { headers: { authorization: `Bearer ${secret.token}` } });
  if (refused(r.status)) {
    const b = obj(r.body);
    return { status: 'invalid', reason: `${str(b.id) ?? `HTTP ${r.status}`}: ${str(b.message) ?? 'the token was refused'}` };
  }
  if (r.status !== 200) unexpected('the DigitalOcean API', r);
  const a = obj(obj(r.body).account);
  const identity: Record<string, string> = { email: str(a.email) ?? '', uuid: str(a.uuid) ?? '', status: str(a.status) ?? '' };
  const team = str(obj(a.team).name);
  if (team) identity.team = team;
  return { status: 'valid', identity, expiresAt: null };
}

// -------------------------------------------------------------------------------------------------- Hetzner

async function probeHetzner(secret: CredentialSecret, settings: CredentialSettings, http: CloudHttp): Promise<ProbeVerdict> {
  const r = await http.call('the Hetzner Cloud API', `${base(settings, CLOUD_ENDPOINTS.hetzner)}/v1/locations`, { headers: { authorization: `Bearer ${secret.token}` } });
  if (refused(r.status)) {
    const e = obj(obj(r.body).error);
    return { status: 'invalid', reason: `${str(e.code) ?? `HTTP ${r.status}`}: ${str(e.message) ?? 'the token was refused'}` };
  }
  if (r.status !== 200) unexpected('the Hetzner Cloud API', r);
  const locations = obj(r.body).locations;
  // The API has no "who am I": a project's token is all it knows, so the identity is what the token can see.
  const names = Array.isArray(locations) ? locations.map((l) => str(obj(l).name)).filter((n): n is string => Boolean(n)) : [];
  return { status: 'valid', identity: { locations: names.join(', ') }, expiresAt: null };
}
