import { ZodError } from 'zod';
import type { Context } from 'koa';
import { checkCloudUrls } from '../../../core/credentials/endpoint-policy';
import { kinds, parseCredential, type CredentialKind, type ParsedCredential } from '../../../core/credentials/kinds';
import { DomainError, Invalid } from '../../../core/errors';
import { strataAttributes } from '../../../temporal/search-attributes';
import { startWorkflow } from '../../../temporal/start-workflow';
import { ensureCredentialCheckSchedule } from '../../../temporal/schedules';
import { checkCredential } from '../../../workflows/credentials/check-credential';
import { CREDENTIAL_CHECK_KIND, credentialWorkflowIds } from '../../../workflows/credentials/ids';
import { audit } from '../../authz';
import type { AppDeps, AppState } from '../../deps';
import { statusUrlOf } from '../vcs/workflows';

type Ctx = Context & { state: AppState };

/**
 * Checks a credential against the kind registry and its URLs against the private-network policy.
 * @throws Invalid `credential_invalid` (kind, fields, key file), `credential_endpoint_forbidden` / `_invalid` / `_unresolvable`
 */
export async function validateCredential(deps: AppDeps, input: { kind: unknown; secret: unknown; settings?: unknown }): Promise<ParsedCredential> {
  const parsed = parseCredential(input);
  if (!parsed.ok) throw new Invalid(parsed.message, 'credential_invalid');
  await checkCloudUrls(parsed.value, { allowPrivateNetworks: deps.config.network.allowPrivateNetworks });
  return parsed.value;
}

/** Keeps only the settings the kind takes (the registry already refused others). */
export function settingsOf(kind: CredentialKind, settings: ParsedCredential['settings']): ParsedCredential['settings'] {
  return Object.fromEntries(Object.entries(settings).filter(([k, v]) => kinds[kind].settingFields.includes(k) && v !== undefined));
}

/** Starts `credential-check:<id>` (joining one that is running) and returns where to follow it. */
export async function startCheck(deps: AppDeps, credentialId: string, orgName: string): Promise<{ workflowId: string; statusUrl: string }> {
  const workflowId = credentialWorkflowIds.check(credentialId);
  await startWorkflow(deps.temporal, checkCredential, {
    workflowId,
    taskQueue: deps.config.temporal.taskQueue,
    input: { credentialId },
    reusePolicy: 'ALLOW_DUPLICATE',
    onAlreadyStarted: 'join',
    searchAttributes: strataAttributes({ kind: CREDENTIAL_CHECK_KIND, org: orgName }),
  });
  return { workflowId, statusUrl: statusUrlOf(deps, workflowId) };
}

/** The scheduled re-check exists once a credential does. */
export function ensureSchedule(deps: AppDeps): Promise<void> {
  return ensureCredentialCheckSchedule(deps.temporal, { taskQueue: deps.config.temporal.taskQueue, intervalHours: deps.config.credentials.checkIntervalHours });
}

/**
 * Runs a mutation and, when it is refused (401/403/404 or bad input), records the refusal in the audit log before
 * answering: `denied` for a principal without the right (or another organisation's credential), `failure` for
 * bad input. The refused change itself wrote nothing (its transaction, if any, rolled back).
 */
export async function auditedRefusals(ctx: Ctx, deps: AppDeps, what: { action: string; orgId: () => string | null; target: () => string | null }, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    const refusal = err instanceof DomainError ? { kind: err.kind, code: err.code, message: err.message } : err instanceof ZodError ? { kind: 'invalid', code: 'invalid_request', message: err.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ') } : null;
    if (refusal && ['invalid', 'unauthorized', 'forbidden', 'not_found', 'conflict', 'unsupported_media_type', 'too_large'].includes(refusal.kind)) {
      const denied = refusal.kind === 'unauthorized' || refusal.kind === 'forbidden' || refusal.kind === 'not_found';
      await audit(ctx, deps.db, {
        orgId: what.orgId(),
        action: what.action,
        target: what.target(),
        result: denied ? 'denied' : 'failure',
        details: { code: refusal.code, message: refusal.message.slice(0, 500) },
      }).catch((auditErr: unknown) => ctx.state.log.error({ err: auditErr }, 'could not record a refused credential change in the audit log'));
    }
    throw err;
  }
}
