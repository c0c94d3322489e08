import type { VcsConnectionSummary } from '../../../core/db/repos/vcs-connections';
import type { VcsDeliveryRow } from '../../../core/db/repos/vcs-deliveries';
import type { VcsLinkView } from '../../../core/db/repos/vcs-links';
import type { VcsViolationRow } from '../../../core/db/repos/vcs-violations';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** A connection as the API shows it: never the token, sealed or not. */
export function presentConnection(c: VcsConnectionSummary) {
  return {
    id: c.id,
    kind: c.kind,
    name: c.name,
    baseUrl: c.base_url,
    status: c.status,
    statusReason: c.status_reason,
    identity: c.identity,
    checkedAt: iso(c.checked_at),
    createdAt: iso(c.created_at),
  };
}

/** A link as the API shows it: the webhook URL, never the webhook secret (shown once, when linking). */
export function presentLink(l: VcsLinkView) {
  return {
    id: l.id,
    module: { namespace: l.namespace, name: l.name, system: l.system },
    connectionId: l.connection_id,
    kind: l.kind,
    repository: l.repository,
    subdirectory: l.subdirectory,
    tagPattern: l.tag_pattern,
    webhookUrl: l.webhook_url,
    webhook: { status: l.webhook_status, id: l.webhook_id, error: l.webhook_error },
    lastSyncedAt: iso(l.last_synced_at),
    createdAt: iso(l.created_at),
  };
}

export function presentDelivery(d: VcsDeliveryRow) {
  return {
    id: String(d.id),
    provider: d.provider,
    deliveryId: d.delivery_id,
    event: d.event,
    repository: d.repository,
    ref: d.ref,
    tag: d.tag,
    result: d.result,
    detail: d.detail,
    workflowId: d.workflow_id,
    receivedAt: iso(d.received_at),
    updatedAt: iso(d.updated_at),
  };
}

export function presentViolation(v: VcsViolationRow) {
  return {
    id: String(v.id),
    tag: v.tag,
    version: v.version,
    recordedSha: v.recorded_sha,
    observedSha: v.observed_sha,
    detectedBy: v.detected_by,
    workflowId: v.workflow_id,
    detectedAt: iso(v.detected_at),
  };
}
