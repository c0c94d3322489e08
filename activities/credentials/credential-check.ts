import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { credentialEnv, isCredentialKind, usesWorkloadIdentity, type CredentialKind, type CredentialSecret, type CredentialSettings } from '../../core/credentials/kinds';
import { awsRefusal, CloudUnreachable, probeCredential, stsClient, type ProbeVerdict } from '../../core/credentials/probe';
import type { SecretBox } from '../../core/crypto/envelope';
import type { Db } from '../../core/db/knex';
import { credentialSecretContext, findCloudCredentialSecret, recordCredentialCheck, type CloudCredentialRow, type CredentialStatus } from '../../core/db/repos/cloud-credentials';
import { insertNotificationEvent } from '../../core/db/repos/notification-events';
import { findOrgById } from '../../core/db/repos/organizations';
import { DomainError, Invalid, NotFound } from '../../core/errors';
import type { NetworkPolicy } from '../../core/vcs/network-policy';

/** What credential checks and runs need besides the database: the key that opens secrets, and the network policy. */
export interface CredentialRuntime {
  secrets: SecretBox;
  policy: NetworkPolicy;
}

export interface CredentialDeps {
  db: Db;
  runtime: CredentialRuntime;
}

/** A check's outcome, as the workflow returns it: ids and verdicts only, never a secret. */
export interface CredentialCheckResult {
  credentialId: string;
  status: CredentialStatus;
  identity: Record<string, string> | null;
  error: string | null;
  /** Notification events raised by this check (`credential.invalid`, `credential.expiring`). */
  events: string[];
}

/** A credential becomes "expiring" this long before the cloud says it stops working. */
export const EXPIRY_WARNING_MS = 14 * 24 * 3600 * 1000;

interface Opened {
  row: CloudCredentialRow;
  kind: CredentialKind;
  secret: CredentialSecret;
}

/** Loads a live credential and opens its current secret. @throws NotFound `credential_not_found` */
export async function openCredential(deps: CredentialDeps, credentialId: string): Promise<Opened> {
  const found = await findCloudCredentialSecret(deps.db, credentialId);
  if (!found || !isCredentialKind(found.row.kind)) throw new NotFound(`no cloud credential ${credentialId}`, 'credential_not_found');
  const secret = JSON.parse(deps.runtime.secrets.open(found.sealed, credentialSecretContext(found.row.id, found.row.current_version))) as CredentialSecret;
  return { row: found.row, kind: found.row.kind, secret };
}

/** Asks the cloud; a refused endpoint (private network policy) is a verdict, an unreachable cloud is thrown (retried). */
async function verdictOf(deps: CredentialDeps, opened: Opened): Promise<ProbeVerdict> {
  try {
    return await probeCredential(opened.kind, opened.secret, opened.row.settings, { policy: deps.runtime.policy });
  } catch (err) {
    // A name that does not resolve now may resolve later: retried, like any network error.
    if (err instanceof Invalid && err.code !== 'credential_endpoint_unresolvable') return { status: 'invalid', reason: err.message };
    if (err instanceof CloudUnreachable || err instanceof DomainError) throw new Error(err.message, { cause: err });
    throw err;
  }
}

/**
 * Checks one credential against its cloud and records the verdict; on a change raises a notification event in
 * the same transaction: `credential.invalid` when a valid credential stops working, `credential.expiring` when
 * the cloud says it ends within 14 days. An `aws` credential without a static key (workload identity) has
 * nothing to check here: each run's exchange proves it.
 * @throws NotFound `credential_not_found`; a plain Error when the cloud could not be asked (Temporal retries)
 */
export async function runCredentialCheck(deps: CredentialDeps, credentialId: string): Promise<CredentialCheckResult> {
  const opened = await openCredential(deps, credentialId);
  const { row } = opened;
  if (usesWorkloadIdentity(opened.kind, opened.secret, row.settings)) {
    return { credentialId, status: row.status, identity: row.identity, error: row.error, events: [] };
  }
  const verdict = await verdictOf(deps, opened);
  const result =
    verdict.status === 'valid'
      ? { status: 'valid' as const, identity: verdict.identity, error: null, expiresAt: verdict.expiresAt }
      : { status: 'invalid' as const, identity: null, error: verdict.reason.slice(0, 2000), expiresAt: null };
  const events = await deps.db.transaction(async (tx) => {
    const before = await recordCredentialCheck(tx, credentialId, { ...result, version: row.current_version });
    if (!before) return [];
    const org = await findOrgById(tx, row.org_id);
    const link = org ? `/orgs/${encodeURIComponent(org.name)}/credentials` : null;
    const raised: string[] = [];
    const payload = { credentialId, name: row.name, kind: row.kind, organization: org?.name ?? null };
    if (before.status === 'valid' && result.status === 'invalid') {
      raised.push(
        await insertNotificationEvent(tx, {
          type: 'credential.invalid',
          orgId: row.org_id,
          subject: `Cloud credential ${row.name} (${row.kind}) stopped working`,
          link,
          payload: { ...payload, reason: result.error },
        }),
      );
    }
    const expires = result.expiresAt;
    const alreadyWarned = before.expires_at !== null && expires !== null && new Date(before.expires_at).getTime() === expires.getTime();
    if (expires && expires.getTime() - Date.now() < EXPIRY_WARNING_MS && !alreadyWarned) {
      raised.push(
        await insertNotificationEvent(tx, {
          type: 'credential.expiring',
          orgId: row.org_id,
          subject: `Cloud credential ${row.name} (${row.kind}) expires on ${expires.toISOString().slice(0, 10)}`,
          link,
          payload: { ...payload, expiresAt: expires.toISOString() },
        }),
      );
    }
    return raised;
  });
  return { credentialId, status: result.status, identity: result.identity, error: result.error, events };
}

/**
 * For the runs code, inside an activity: checks the credential now and refuses a run with an invalid one.
 * @throws Invalid `credential_invalid` (non-retryable through `withDomainFailures`); NotFound; a plain Error
 *   when the cloud could not be asked
 */
export async function checkCredentialBeforeRun(deps: CredentialDeps, input: { credentialId: string }): Promise<CredentialCheckResult> {
  const result = await runCredentialCheck(deps, input.credentialId);
  if (result.status === 'invalid') throw new Invalid(`cloud credential ${input.credentialId} is invalid: ${result.error ?? 'refused by its cloud'}`, 'credential_invalid');
  return result;
}

/**
 * The environment variables a run gets for its credentials, decrypted here (inside the runs' activity, never in a
 * workflow payload). An `aws` credential with a static key and `settings.roleArn` is exchanged for the role's
 * short-lived keys. Two credentials that set the same variable are refused.
 * @throws NotFound `credential_not_found`; Invalid `credential_env_conflict`, `credential_invalid` (the role
 *   could not be assumed)
 */
export async function resolveRunCredentialEnv(deps: CredentialDeps, input: { credentialIds: string[] }): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  const setBy: Record<string, string> = {};
  for (const id of input.credentialIds) {
    const opened = await openCredential(deps, id);
    const vars = credentialEnv(opened.kind, await runSecret(opened.kind, opened.secret, opened.row.settings), opened.row.settings);
    for (const [name, value] of Object.entries(vars)) {
      if (setBy[name] && env[name] !== value) {
        throw new Invalid(`credentials ${setBy[name]} and ${opened.row.name} both set ${name}; a run can use one credential per cloud`, 'credential_env_conflict');
      }
      env[name] = value;
      setBy[name] = opened.row.name;
    }
  }
  return env;
}

async function runSecret(kind: CredentialKind, secret: CredentialSecret, settings: CredentialSettings): Promise<CredentialSecret> {
  if (kind !== 'aws' || !settings.roleArn || !secret.accessKeyId) return secret;
  const sts = stsClient(secret, settings);
  try {
    const out = await sts.send(new AssumeRoleCommand({ RoleArn: settings.roleArn, RoleSessionName: 'strata-run', DurationSeconds: 3600 }));
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error('AssumeRole answered without credentials');
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}) };
  } catch (err) {
    let refusal: { reason: string };
    try {
      refusal = awsRefusal(err);
    } catch (unreachable) {
      throw new Error((unreachable as Error).message, { cause: unreachable });
    }
    throw new Invalid(`the role ${settings.roleArn} could not be assumed: ${refusal.reason}`, 'credential_invalid');
  } finally {
    sts.destroy();
  }
}
