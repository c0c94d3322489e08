import type { IncomingHttpHeaders } from 'node:http';
import type { VcsKind } from '../types';

export interface TagChange {
  tag: string;
  change: 'pushed' | 'deleted';
}

/**
 * What a verified delivery says, reduced to what Strata acts on. The payload is only a trigger: the tag publish
 * workflow asks the provider's API where the tag points, so nothing in it is trusted for the publish itself.
 */
export interface WebhookDelivery {
  /** The provider's delivery/event id, used to drop redeliveries; null when the provider sends none. */
  deliveryId: string | null;
  event: string;
  /** The repository as links name it (owner/repo, group/project, project/repo), when the payload names one. */
  repository: string | null;
  /** The first ref the delivery is about, for the delivery log. */
  ref: string | null;
  tags: TagChange[];
}

const ZERO_SHA = /^0+$/;
const header = (h: IncomingHttpHeaders, name: string): string | null => {
  const v = h[name];
  return (Array.isArray(v) ? v[0] : v) ?? null;
};
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});
const tagName = (ref: string | null): string | null => (ref?.startsWith('refs/tags/') ? ref.slice('refs/tags/'.length) || null : null);

/** The repository a payload names, before verification (to find the link whose secret checks it). */
export function repositoryNamed(kind: VcsKind, body: unknown): string | null {
  const b = obj(body);
  if (kind === 'github') return str(obj(b.repository).full_name);
  if (kind === 'gitlab') return str(obj(b.project).path_with_namespace);
  const repo = obj(obj(b.resource).repository);
  const project = str(obj(repo.project).name);
  const name = str(repo.name);
  return project && name ? `${project}/${name}` : null;
}

/** GitHub: `X-GitHub-Event`, `X-GitHub-Delivery`; tags arrive as `push` events on `refs/tags/…`. */
function github(headers: IncomingHttpHeaders, body: unknown): WebhookDelivery {
  const b = obj(body);
  const event = header(headers, 'x-github-event') ?? 'unknown';
  const ref = str(b.ref);
  const tag = event === 'push' ? tagName(ref) : null;
  return {
    deliveryId: header(headers, 'x-github-delivery'),
    event,
    repository: repositoryNamed('github', body),
    ref,
    tags: tag ? [{ tag, change: b.deleted === true || ZERO_SHA.test(str(b.after) ?? '') ? 'deleted' : 'pushed' }] : [],
  };
}

/** GitLab: `X-Gitlab-Event: Tag Push Hook` with `object_kind: tag_push`; a deletion has `after` all zeros. */
function gitlab(headers: IncomingHttpHeaders, body: unknown): WebhookDelivery {
  const b = obj(body);
  const event = header(headers, 'x-gitlab-event') ?? str(b.object_kind) ?? 'unknown';
  const ref = str(b.ref);
  const tag = b.object_kind === 'tag_push' ? tagName(ref) : null;
  return {
    deliveryId: header(headers, 'x-gitlab-event-uuid') ?? header(headers, 'idempotency-key'),
    event,
    repository: repositoryNamed('gitlab', body),
    ref,
    tags: tag ? [{ tag, change: ZERO_SHA.test(str(b.after) ?? '') ? 'deleted' : 'pushed' }] : [],
  };
}

/** Azure DevOps: a `git.push` service hook; one push may update several refs, tags among them. */
function azureDevOps(_headers: IncomingHttpHeaders, body: unknown): WebhookDelivery {
  const b = obj(body);
  const event = str(b.eventType) ?? 'unknown';
  const updates = event === 'git.push' && Array.isArray(obj(b.resource).refUpdates) ? (obj(b.resource).refUpdates as unknown[]) : [];
  const tags: TagChange[] = [];
  for (const u of updates.map(obj)) {
    const tag = tagName(str(u.name));
    if (tag) tags.push({ tag, change: ZERO_SHA.test(str(u.newObjectId) ?? '') ? 'deleted' : 'pushed' });
  }
  return {
    deliveryId: str(b.id),
    event,
    repository: repositoryNamed('azure-devops', body),
    ref: str(obj(updates[0]).name),
    tags,
  };
}

export function parseDelivery(kind: VcsKind, headers: IncomingHttpHeaders, body: unknown): WebhookDelivery {
  return kind === 'github' ? github(headers, body) : kind === 'gitlab' ? gitlab(headers, body) : azureDevOps(headers, body);
}
