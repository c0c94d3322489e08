import type { VcsConnectionSummary } from '../../../core/db/repos/vcs-connections';
import type { VcsDeliveryRow } from '../../../core/db/repos/vcs-deliveries';
import type { VcsLinkView } from '../../../core/db/repos/vcs-links';
import type { VcsViolationRow } from '../../../core/db/repos/vcs-violations';

import type { VcsKind as CoreVcsKind } from '../../../core/vcs/types';
import type { VcsConnection, VcsDelivery, VcsKind, VcsLink, VcsViolation } from './shapes';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// The shapes repeat the core's list of VCS kinds; this fails to compile when the two drift apart.
export const vcsKindsAgree: Same<VcsKind, CoreVcsKind> = true;

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
const isoNow = (d: Date) => new Date(d).toISOString();

/** A connection as the API shows it: never the token, sealed or not. */
export function presentConnection(c: VcsConnectionSummary): VcsConnection {
  return {
    id: c.id,
    kind: c.kind as VcsKind,
    name: c.name,
    baseUrl: c.base_url,
    status: c.status,
    statusReason: c.status_reason,
    identity: c.identity,
    checkedAt: iso(c.checked_at),
    createdAt: isoNow(c.created_at),
  };
}

/** A link as the API shows it: the webhook URL, never the webhook secret (shown once, when linking). */
export function presentLink(l: VcsLinkView): VcsLink {
  return {
    id: l.id,
    module: { namespace: l.namespace, name: l.name, system: l.system },
    connectionId: l.connection_id,
    kind: l.kind as VcsKind,
    repository: l.repository,
    subdirectory: l.subdirectory,
    tagPattern: l.tag_pattern,
    webhookUrl: l.webhook_url,
    webhook: { status: l.webhook_status, id: l.webhook_id, error: l.webhook_error },
    lastSyncedAt: iso(l.last_synced_at),
    createdAt: isoNow(l.created_at),
  };
}

export function presentDelivery(d: VcsDeliveryRow): VcsDelivery {
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
    receivedAt: isoNow(d.received_at),
    updatedAt: isoNow(d.updated_at),
  };
}

export function presentViolation(v: VcsViolationRow): VcsViolation {
  return {
    id: String(v.id),
    tag: v.tag,
    version: v.version,
    recordedSha: v.recorded_sha,
    observedSha: v.observed_sha,
    detectedBy: v.detected_by,
    workflowId: v.workflow_id,
    detectedAt: isoNow(v.detected_at),
  };
}
