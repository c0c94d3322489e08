import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { deleteVcsDelivery, recordVcsDelivery, updateVcsDelivery, type VcsDeliveryRow } from '../../../core/db/repos/vcs-deliveries';
import { findVcsLink, findVcsLinksByRepository, webhookSecretContext, type VcsLinkView } from '../../../core/db/repos/vcs-links';
import { DomainError, NotFound, Unauthorized } from '../../../core/errors';
import { AZURE_HOOK_USER } from '../../../core/vcs/providers/azure-devops';
import type { VcsRuntime } from '../../../core/vcs/runtime';
import type { VcsKind } from '../../../core/vcs/types';
import { parseDelivery, repositoryNamed, type WebhookDelivery } from '../../../core/vcs/webhooks/events';
import { verifyBasicAuth, verifyGitHubSignature, verifyGitLabToken } from '../../../core/vcs/webhooks/verify';
import { vcsWorkflowIds } from '../../../workflows/vcs/ids';
import type { PublishVcsTagInput } from '../../../workflows/vcs/types';
import type { AppDeps } from '../../deps';
import { startVcsWorkflow } from './workflows';

export interface IntakeResult {
  duplicate: boolean;
  deliveries: { tag: string | null; result: string; detail: string | null; workflowId: string | null }[];
}

const CREDENTIAL_HEADER: Record<VcsKind, string> = { github: 'x-hub-signature-256', gitlab: 'x-gitlab-token', 'azure-devops': 'authorization' };

function verifies(kind: VcsKind, secret: string, headers: IncomingHttpHeaders, raw: Buffer): boolean {
  const value = headers[CREDENTIAL_HEADER[kind]];
  const h = Array.isArray(value) ? value[0] : value;
  if (kind === 'github') return verifyGitHubSignature(secret, raw, h);
  if (kind === 'gitlab') return verifyGitLabToken(secret, h);
  return verifyBasicAuth(AZURE_HOOK_USER, secret, h);
}

/** Parses the payload: JSON, or GitHub's form encoding (`payload=<json>`). */
export function parsePayload(raw: Buffer, contentType: string): unknown {
  try {
    if (contentType.startsWith('application/x-www-form-urlencoded')) return JSON.parse(new URLSearchParams(raw.toString('utf8')).get('payload') ?? '');
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return null;
  }
}

/**
 * Finds the link whose secret verifies the delivery, before anything is recorded or parsed beyond the repository
 * name. Per-link URLs name the link; the shared URL tries the links of the repository the payload names.
 * @throws Unauthorized `webhook_signature_missing` / `webhook_signature_invalid`; NotFound for an unknown link URL
 */
export async function verifyDelivery(
  deps: AppDeps,
  runtime: VcsRuntime,
  input: { kind: VcsKind; linkId: string | null; headers: IncomingHttpHeaders; raw: Buffer; payload: unknown },
): Promise<VcsLinkView> {
  const { kind, headers, raw } = input;
  if (!headers[CREDENTIAL_HEADER[kind]]) {
    throw new Unauthorized(`the delivery carries no ${CREDENTIAL_HEADER[kind]} header`, 'webhook_signature_missing');
  }
  let candidates: VcsLinkView[];
  if (input.linkId) {
    const link = /^[0-9a-f-]{36}$/.test(input.linkId) ? await findVcsLink(deps.db, input.linkId) : undefined;
    if (!link || link.kind !== kind) throw new NotFound('no such webhook', 'webhook_not_found');
    candidates = [link];
  } else {
    const repository = repositoryNamed(kind, input.payload);
    candidates = repository ? await findVcsLinksByRepository(deps.db, kind, repository) : [];
  }
  for (const link of candidates) {
    if (verifies(kind, runtime.secrets.open(link.webhook_secret_sealed, webhookSecretContext(link.id)), headers, raw)) return link;
  }
  throw new Unauthorized('the delivery could not be verified with the secret of any linked repository', 'webhook_signature_invalid');
}

/**
 * Records a verified delivery (one log row per tag it names) and starts a tag publish for every pushed tag.
 * A redelivery or replayed payload changes nothing. Deleted tags and non-tag events are recorded and ignored.
 * A delivery signed with the link's secret belongs to the link even when the payload names the repository
 * differently (renamed or transferred): the tag publish asks the provider's API, which follows such moves.
 */
export async function acceptDelivery(deps: AppDeps, input: { kind: VcsKind; link: VcsLinkView; headers: IncomingHttpHeaders; raw: Buffer; payload: unknown }): Promise<IntakeResult> {
  const delivery = parseDelivery(input.kind, input.headers, input.payload);
  const payloadSha256 = createHash('sha256').update(input.raw).digest('hex');
  const deliveryId = delivery.deliveryId ?? `sha256:${payloadSha256}`;
  const changes = delivery.tags.length > 0 ? delivery.tags : [null];
  const out: IntakeResult = { duplicate: false, deliveries: [] };
  for (const change of changes) {
    const row = await recordVcsDelivery(deps.db, {
      provider: input.kind,
      delivery_id: deliveryId,
      link_id: input.link.id,
      payload_sha256: payloadSha256,
      event: delivery.event,
      repository: delivery.repository,
      ref: change ? `refs/tags/${change.tag}` : delivery.ref,
      tag: change?.tag ?? null,
      result: change?.change === 'pushed' ? 'started' : 'ignored',
      detail: ignoredBecause(delivery, change?.change),
      workflow_id: change?.change === 'pushed' ? vcsWorkflowIds.tag(input.link.id, change.tag) : null,
    });
    if (!row) {
      out.duplicate = true;
      continue;
    }
    out.deliveries.push(change?.change === 'pushed' ? await startTagPublish(deps, input.link, row, change.tag) : summary(row));
  }
  return out;
}

function ignoredBecause(delivery: WebhookDelivery, change: 'pushed' | 'deleted' | undefined): string | null {
  if (change === 'pushed') return null;
  if (change === 'deleted') return 'tag deleted: published versions are kept';
  return `${delivery.event} event${delivery.ref ? ` for ${delivery.ref}` : ''} is not a tag push`;
}

const summary = (row: VcsDeliveryRow) => ({ tag: row.tag, result: row.result, detail: row.detail, workflowId: row.workflow_id });

/** Starts the tag publish; the row already says `started` (the workflow writes its outcome onto it when done). */
async function startTagPublish(deps: AppDeps, link: VcsLinkView, row: VcsDeliveryRow, tag: string) {
  const workflowId = vcsWorkflowIds.tag(link.id, tag);
  const arg: PublishVcsTagInput = { linkId: link.id, tag, trigger: 'webhook', deliveryRowId: String(row.id) };
  let alreadyRunning: boolean;
  try {
    ({ alreadyRunning } = await startVcsWorkflow(deps, {
      workflowType: 'publishVcsTag',
      workflowId,
      arg,
      kind: 'vcs-tag',
      artifact: `${link.namespace}/${link.name}/${link.system}`,
    }));
  } catch {
    // Forget the delivery so the provider's retry is not mistaken for a duplicate.
    await deleteVcsDelivery(deps.db, String(row.id));
    throw new DomainError(503, 'webhook_not_processed', 'the delivery could not be processed now; the provider will retry it');
  }
  if (!alreadyRunning) return summary(row);
  const detail = 'a publish of this tag was already running; it decides the outcome';
  await updateVcsDelivery(deps.db, String(row.id), { result: 'in-progress', detail });
  return { tag, result: 'in-progress', detail, workflowId };
}
