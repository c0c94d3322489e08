import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { deleteVcsDelivery, recordVcsDelivery, updateVcsDelivery, type VcsDeliveryRow } from '../../../core/db/repos/vcs-deliveries';
import { findVcsLink, findVcsLinksByRepository, webhookSecretContext, type VcsLinkView } from '../../../core/db/repos/vcs-links';
import { DomainError, Invalid, NotFound, Unauthorized } from '../../../core/errors';
import { AZURE_HOOK_USER } from '../../../core/vcs/types';
import type { VcsRuntime } from '../../../core/vcs/runtime';
import type { VcsKind } from '../../../core/vcs/types';
import { parseDelivery, repositoryNamed, type WebhookDelivery } from '../../../core/vcs/webhooks/events';
import { verifyBasicAuth, verifyGitHubSignature, verifyGitLabToken } from '../../../core/vcs/webhooks/verify';
import { vcsWorkflowIds } from '../../../workflows/vcs/ids';
import type { PublishVcsTagInput } from '../../../workflows/vcs/types';
import { parseJson } from '../../body';
import type { AppDeps } from '../../deps';
import { strataAttributes } from '../../../temporal/search-attributes';
import { startWorkflow } from '../../../temporal/start-workflow';
import { publishVcsTag } from '../../../workflows/vcs/publish-vcs-tag';

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

/**
 * Parses the payload — JSON, or GitHub's form encoding (`payload=<json>`) — with the depth limit of api/body.ts.
 * Malformed JSON reads as no payload (the delivery is then recorded and ignored).
 * @throws Invalid `json_too_deep`
 */
export function parsePayload(raw: Buffer, contentType: string): unknown {
  const json = contentType.startsWith('application/x-www-form-urlencoded') ? Buffer.from(new URLSearchParams(raw.toString('utf8')).get('payload') ?? '') : raw;
  try {
    return parseJson(json);
  } catch (err) {
    if (err instanceof Invalid && err.code === 'invalid_json') return null;
    throw err;
  }
}

export interface VerifiedDelivery {
  link: VcsLinkView;
  raw: Buffer;
  payload: unknown;
}

/**
 * Finds the link whose secret verifies the delivery; forged deliveries cost as little as possible. A missing
 * credential header is refused before the body is read. A per-link URL names its link: GitLab's token and Azure
 * DevOps' basic auth are checked before the body is read, GitHub's HMAC on the raw bytes before they are parsed.
 * The shared URL must parse the (capped, depth-limited) payload to learn which repository's links to try.
 * @throws Unauthorized `webhook_signature_missing` / `webhook_signature_invalid`; NotFound for an unknown link URL
 */
export async function verifyDelivery(
  deps: AppDeps,
  runtime: VcsRuntime,
  input: { kind: VcsKind; linkId: string | null; headers: IncomingHttpHeaders; contentType: string; readBody: () => Promise<Buffer> },
): Promise<VerifiedDelivery> {
  const { kind, headers } = input;
  if (!headers[CREDENTIAL_HEADER[kind]]) {
    throw new Unauthorized(`the delivery carries no ${CREDENTIAL_HEADER[kind]} header`, 'webhook_signature_missing');
  }
  const secretOf = (link: VcsLinkView) => runtime.secrets.open(link.webhook_secret_sealed, webhookSecretContext(link.id));
  const refused = () => new Unauthorized('the delivery could not be verified with the secret of any linked repository', 'webhook_signature_invalid');
  if (input.linkId) {
    const link = /^[0-9a-f-]{36}$/.test(input.linkId) ? await findVcsLink(deps.db, input.linkId) : undefined;
    if (!link || link.kind !== kind) throw new NotFound('no such webhook', 'webhook_not_found');
    const bodyless = kind !== 'github';
    if (bodyless && !verifies(kind, secretOf(link), headers, Buffer.alloc(0))) throw refused();
    const raw = await input.readBody();
    if (!bodyless && !verifies(kind, secretOf(link), headers, raw)) throw refused();
    return { link, raw, payload: parsePayload(raw, input.contentType) };
  }
  const raw = await input.readBody();
  const payload = parsePayload(raw, input.contentType);
  const repository = repositoryNamed(kind, payload);
  const candidates = repository ? await findVcsLinksByRepository(deps.db, kind, repository) : [];
  for (const link of candidates) {
    if (verifies(kind, secretOf(link), headers, raw)) return { link, raw, payload };
  }
  throw refused();
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
  const input: PublishVcsTagInput = { linkId: link.id, tag, trigger: 'webhook', deliveryRowId: String(row.id) };
  let alreadyRunning: boolean;
  try {
    // A finished run may be followed by a new one (a redelivery re-checks the tag); a running one is joined.
    ({ alreadyRunning } = await startWorkflow(deps.temporal, publishVcsTag, {
      workflowId,
      taskQueue: deps.config.temporal.taskQueue,
      input,
      reusePolicy: 'ALLOW_DUPLICATE',
      onAlreadyStarted: 'join',
      searchAttributes: strataAttributes({ kind: 'vcs-tag', artifact: `${link.namespace}/${link.name}/${link.system}` }),
    }));
  } catch {
    // Forget the delivery so the provider's retry is not mistaken for a duplicate.
    await deleteVcsDelivery(deps.db, String(row.id));
    throw new DomainError('unavailable', 'webhook_not_processed', 'the delivery could not be processed now; the provider will retry it');
  }
  if (!alreadyRunning) return summary(row);
  const detail = 'a publish of this tag was already running; it decides the outcome';
  await updateVcsDelivery(deps.db, String(row.id), { result: 'in-progress', detail });
  return { tag, result: 'in-progress', detail, workflowId };
}
