import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { z } from 'zod';
import type { Config } from '../config';
import type { SecretBox } from '../crypto/envelope';
import type { Db } from '../db/knex';
import { Invalid } from '../errors';
import { NAME } from '../registry/names';
import { signingKey, WORKLOAD_ALG } from './keyring';

export const RUN_PHASES = ['plan', 'apply'] as const;
export type RunPhase = (typeof RUN_PHASES)[number];

/**
 * The `aud` each cloud expects by default: AWS STS (an IAM OIDC provider's usual client ID) and Microsoft Entra
 * federated credentials. A credential may name its own. GCP's default is the pool provider's name
 * (`gcpAudience` in federated-env.ts).
 */
export const DEFAULT_AUDIENCES = { aws: 'sts.amazonaws.com', azure: 'api://AzureADTokenExchange' } as const;

/** Strata's own claims in a run ID token, besides the registered ones. */
export const STRATA_CLAIMS = ['strata_organization', 'strata_workspace', 'strata_run_id', 'strata_run_phase'] as const;

export interface WorkloadClaims {
  sub: string;
  strata_organization: string;
  strata_workspace: string;
  strata_run_id: string;
  strata_run_phase: RunPhase;
}

const mintInput = z.object({
  orgName: z.string().regex(NAME, 'an organisation name'),
  workspaceName: z.string().regex(NAME, 'a workspace name'),
  // A colon would make `sub` ambiguous; run ids are UUIDs or similar.
  runId: z.string().regex(/^[0-9A-Za-z._-]{1,128}$/, 'letters, digits, ".", "_" and "-" (at most 128)'),
  phase: z.enum(RUN_PHASES),
  audience: z.string().trim().min(1).max(512),
});
export type MintInput = z.infer<typeof mintInput>;

/** The subject and Strata claims of a run phase's token: what a cloud's trust policy matches on. */
export function workloadClaims(input: Pick<MintInput, 'orgName' | 'workspaceName' | 'runId' | 'phase'>): WorkloadClaims {
  return {
    sub: `organization:${input.orgName}:workspace:${input.workspaceName}:run_phase:${input.phase}`,
    strata_organization: input.orgName,
    strata_workspace: input.workspaceName,
    strata_run_id: input.runId,
    strata_run_phase: input.phase,
  };
}

export interface WorkloadTokenDeps {
  db: Db;
  secrets: SecretBox;
  config: Pick<Config, 'publicUrl' | 'workloadIdentity'>;
}

export interface WorkloadToken {
  /** The signed JWT (compact form). It is a credential: never log it or put it into a workflow history. */
  token: string;
  expiresAt: Date;
  subject: string;
  jti: string;
  kid: string;
}

/**
 * A short-lived OpenID Connect ID token for one phase of a run, signed by Strata's current workload key (rotated
 * here first when due) and verifiable against `/.well-known/jwks.json`. Every call mints a new token (a new
 * `jti`); nothing about it is stored.
 * @throws Invalid when a name, the run id, the phase or the audience is not acceptable.
 */
export async function mintWorkloadToken(deps: WorkloadTokenDeps, input: MintInput, now: Date = new Date()): Promise<WorkloadToken> {
  const parsed = mintInput.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Invalid(`${issue.path.join('.')}: ${issue.message}`, 'invalid_workload_token_request');
  }
  const claims = workloadClaims(parsed.data);
  const key = await signingKey({ db: deps.db, secrets: deps.secrets, settings: deps.config.workloadIdentity }, now);
  const jti = randomUUID();
  const seconds = Math.floor(now.getTime() / 1000);
  const token = await new SignJWT({ ...claims })
    .setProtectedHeader({ alg: WORKLOAD_ALG, kid: key.kid, typ: 'JWT' })
    .setIssuer(deps.config.publicUrl)
    .setAudience(parsed.data.audience)
    .setSubject(claims.sub)
    .setIssuedAt(seconds)
    .setNotBefore(seconds)
    .setExpirationTime(Math.floor(key.tokenExpiresAt.getTime() / 1000))
    .setJti(jti)
    .sign(key.key);
  return { token, expiresAt: key.tokenExpiresAt, subject: claims.sub, jti, kid: key.kid };
}
