import { Context } from '@temporalio/activity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFor } from '../harness/http';
import { leftovers } from '../harness/leftovers';
import { startPlatform, type Platform } from '../harness/platform';
import { startWorkerWith } from '../harness/workers';
import { createConnection, deliveryLog, finished, linkModule, moduleFiles, publishedVersion, type Call } from './helpers';
import { GitHubStandIn } from './stand-ins/github';

// A worker killed while a tag publish fetches the archive: after a new worker starts, exactly one version exists
// and the delivery log tells how it ended.

let platform: Platform;
let call: Call;
let github: GitHubStandIn;

beforeAll(async () => {
  platform = await startPlatform({ env: { STRATA_VCS_ALLOW_PRIVATE_NETWORKS: 'true' } });
  call = clientFor(platform);
  github = await new GitHubStandIn().start();
}, 600_000);

afterAll(async () => {
  await github?.close();
  await platform?.close();
});

const workerWith = (wrap: Parameters<typeof startWorkerWith>[1]) => startWorkerWith(platform, wrap);

describe('tag publish durability', () => {
  it('a worker killed during the archive fetch: after restart exactly one version exists', async () => {
    const connection = await createConnection(call, { kind: 'github', name: 'Durable', baseUrl: github.url, token: 'ghp_validtoken' });
    github.git.repository('acme/durable');
    const link = await linkModule(call, 'acme/durable/aws', { connectionId: connection.id, repository: 'acme/durable' });
    await finished(call, link.setup.statusUrl);

    await platform.stopWorker();
    let entered!: () => void;
    const fetching = new Promise<void>((r) => (entered = r));
    const doomed = await workerWith(() => ({
      // Starts fetching, then hangs until the worker is shut down under it (as a killed process would).
      stageVcsArchive: async () => {
        entered();
        await Context.current().cancelled;
        throw new Error('unreachable');
      },
    }));
    const sha = github.git.commit('acme/durable', moduleFiles('durable 1.0.0'));
    const [sent] = await github.pushTag('acme/durable', 'v1.0.0', sha);
    expect(sent!.status).toBe(202);
    const workflowId = JSON.parse(sent!.response!).deliveries[0].workflowId as string;
    await fetching;
    await doomed.stop();
    expect((await call(`/api/v1/workflows/${encodeURIComponent(workflowId)}`)).json().status).toBe('running');
    expect(await platform.db('module_versions')).toHaveLength(0);

    // The provider, not hearing back in time, delivers again: deduplicated, nothing more is started.
    const again = await github.redeliver(sent!);
    expect(JSON.parse(again.response!)).toMatchObject({ duplicate: true });

    await platform.startWorker();
    expect(await publishedVersion(call, 'acme/durable/aws', '1.0.0', 90_000)).toMatchObject({ commitSha: sha });
    await deliveryLog(call, 'acme/durable/aws', (d) => d.tag === 'v1.0.0' && d.result === 'published');
    const status = await finished(call, `/api/v1/workflows/${encodeURIComponent(workflowId)}`);
    expect(status).toMatchObject({ status: 'completed', result: { outcome: 'published', commitSha: sha } });
    expect(await platform.db('module_versions')).toHaveLength(1);
    // No staged archive is left behind.
    expect((await leftovers(platform)).staged).toEqual([]);
  }, 180_000);
});
