import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parseDelivery, repositoryNamed } from './events';

const examples = createRequire(import.meta.url)('@octokit/webhooks-examples/api.github.com/index.json') as { name: string; examples: Record<string, unknown>[] }[];
const github = (name: string) => examples.find((e) => e.name === name)!.examples;

describe('webhook payloads', () => {
  it("reads GitHub's example push events: tag created, tag deleted, branch push", () => {
    const created = github('push').find((e) => e.created === true && String(e.ref).startsWith('refs/tags/'))!;
    const deleted = github('push').find((e) => e.deleted === true)!;
    const branch = github('push').find((e) => String(e.ref).startsWith('refs/heads/'))!;
    const headers = (id: string) => ({ 'x-github-event': 'push', 'x-github-delivery': id });
    expect(parseDelivery('github', headers('d1'), created)).toEqual({ deliveryId: 'd1', event: 'push', repository: 'Codertocat/Hello-World', ref: 'refs/tags/simple-tag', tags: [{ tag: 'simple-tag', change: 'pushed' }] });
    expect(parseDelivery('github', headers('d2'), deleted).tags).toEqual([{ tag: 'simple-tag', change: 'deleted' }]);
    expect(parseDelivery('github', headers('d3'), branch).tags).toEqual([]);
    expect(parseDelivery('github', { 'x-github-event': 'ping' }, github('ping')[0]).tags).toEqual([]);
    // A `create` event also names tags, but Strata acts on the push that always accompanies it.
    expect(parseDelivery('github', { 'x-github-event': 'create' }, github('create')[0]).tags).toEqual([]);
  });

  it('reads a GitLab tag push, and a tag deletion (after = zeros)', () => {
    const body = { object_kind: 'tag_push', before: '0'.repeat(40), after: 'a'.repeat(40), ref: 'refs/tags/v1.0.0', project: { path_with_namespace: 'group/project' } };
    expect(parseDelivery('gitlab', { 'x-gitlab-event': 'Tag Push Hook', 'x-gitlab-event-uuid': 'u1' }, body)).toEqual({ deliveryId: 'u1', event: 'Tag Push Hook', repository: 'group/project', ref: 'refs/tags/v1.0.0', tags: [{ tag: 'v1.0.0', change: 'pushed' }] });
    expect(parseDelivery('gitlab', {}, { ...body, after: '0'.repeat(40) }).tags).toEqual([{ tag: 'v1.0.0', change: 'deleted' }]);
    expect(parseDelivery('gitlab', { 'x-gitlab-event': 'Push Hook' }, { ...body, object_kind: 'push', ref: 'refs/heads/main' }).tags).toEqual([]);
  });

  it('reads every tag of an Azure DevOps git.push, ignoring branches', () => {
    const body = {
      id: 'e1',
      eventType: 'git.push',
      resource: {
        refUpdates: [
          { name: 'refs/heads/main', oldObjectId: 'a'.repeat(40), newObjectId: 'b'.repeat(40) },
          { name: 'refs/tags/v1.0.0', oldObjectId: '0'.repeat(40), newObjectId: 'c'.repeat(40) },
          { name: 'refs/tags/v0.9.0', oldObjectId: 'd'.repeat(40), newObjectId: '0'.repeat(40) },
        ],
        repository: { name: 'repo', project: { name: 'Project' } },
      },
    };
    expect(parseDelivery('azure-devops', {}, body)).toMatchObject({
      deliveryId: 'e1',
      repository: 'Project/repo',
      tags: [
        { tag: 'v1.0.0', change: 'pushed' },
        { tag: 'v0.9.0', change: 'deleted' },
      ],
    });
  });

  it('survives payloads that are not what they claim', () => {
    for (const kind of ['github', 'gitlab', 'azure-devops'] as const) {
      for (const body of [null, 'text', [], { repository: 5, ref: {}, resource: { refUpdates: 'x' } }]) {
        expect(parseDelivery(kind, {}, body).tags).toEqual([]);
        expect(repositoryNamed(kind, body)).toBeNull();
      }
    }
  });
});
