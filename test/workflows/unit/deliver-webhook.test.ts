import { randomUUID } from 'node:crypto';
import { activityInfo } from '@temporalio/activity';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker, type WorkflowBundle } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Activities } from '../../../activities';
import { WorkerMetrics } from '../../../core/observability/worker-metrics';
import { bundleWorkflows } from '../../../temporal/create-worker';
import { ensureTemporalTestServer } from '../../../temporal/dev-server';
import { workerObservability } from '../../../temporal/observability';
import { deliverWebhook } from '../../../workflows';
import { WEBHOOK_RETRY_DELAYS_S } from '../../../workflows/notifications/deliver-webhook';

// The webhook delivery workflow's branches on the time-skipping test server with scripted activities: the day of
// backoff sleeps passes in moments. The end-to-end test (test/notifications) covers the real activities.

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundle;

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: await ensureTemporalTestServer() } } });
  bundle = await bundleWorkflows();
}, 240_000);

afterAll(async () => {
  await env?.teardown();
});

type Script = Partial<Pick<Activities, 'startWebhookDelivery' | 'attemptWebhookDelivery' | 'failWebhookDelivery'>>;

/** Runs one delivery against scripted activities; answers the result and the calls made, at workflow (skipped) time. */
async function run(script: Script, attempt?: number) {
  const calls: { name: string; input: unknown; at: number }[] = [];
  const activities = Object.fromEntries(
    Object.entries(script).map(([name, fn]) => [
      name,
      async (input: unknown) => {
        calls.push({ name, input, at: activityInfo().scheduledTimestampMs });
        return (fn as (i: unknown) => Promise<unknown>)(input);
      },
    ]),
  );
  const taskQueue = `unit-${randomUUID()}`;
  // The bundle carries the metrics interceptor, as the worker's does: give its sink somewhere to report.
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities, ...(await workerObservability(new WorkerMetrics())) });
  const workflowId = `webhook-delivery:e-${randomUUID()}:w`;
  const result = await worker.runUntil(env.client.workflow.execute(deliverWebhook, { taskQueue, workflowId, args: [{ eventId: 'e1', webhookId: 'w1', ...(attempt ? { attempt } : {}) }] }));
  return { result, calls, workflowId, elapsedMs: calls.length ? calls.at(-1)!.at - calls[0]!.at : 0 };
}

const ready = async () => ({ deliveryId: 'd1', proceed: true });

describe('deliverWebhook', () => {
  it('delivers on the first attempt: one attempt, told the first backoff in case it fails', async () => {
    const { result, calls, workflowId } = await run({ startWebhookDelivery: ready, attemptWebhookDelivery: async () => ({ delivered: true, stop: true }) });
    expect(result).toEqual({ deliveryId: 'd1', status: 'delivered', attempts: 1 });
    expect(calls.map((c) => c.name)).toEqual(['startWebhookDelivery', 'attemptWebhookDelivery']);
    expect(calls[0]!.input).toEqual({ eventId: 'e1', webhookId: 'w1', redelivery: 0, workflowId });
    expect(calls[1]!.input).toEqual({ deliveryId: 'd1', attempt: 1, retryInSeconds: 2 });
  });

  it('passes the redelivery number on', async () => {
    const { calls } = await run({ startWebhookDelivery: ready, attemptWebhookDelivery: async () => ({ delivered: true, stop: true }) }, 3);
    expect(calls[0]!.input).toMatchObject({ redelivery: 3 });
  });

  it('skips a delivery that is finished already or whose webhook or event is gone', async () => {
    for (const answer of [{ deliveryId: null, proceed: false }, { deliveryId: 'd1', proceed: false }]) {
      const { result, calls } = await run({ startWebhookDelivery: async () => answer });
      expect(result).toEqual({ deliveryId: answer.deliveryId, status: 'skipped', attempts: 0 });
      expect(calls.map((c) => c.name)).toEqual(['startWebhookDelivery']);
    }
  });

  it('backs off with durable sleeps until an attempt goes through', async () => {
    let n = 0;
    const { result, elapsedMs } = await run({ startWebhookDelivery: ready, attemptWebhookDelivery: async () => ({ delivered: ++n === 4, stop: n === 4 }) });
    expect(result).toEqual({ deliveryId: 'd1', status: 'delivered', attempts: 4 });
    expect(elapsedMs).toBeGreaterThanOrEqual((2 + 5 + 30) * 1000);
    expect(elapsedMs).toBeLessThan((2 + 5 + 30 + 120) * 1000);
  });

  it('stops at once when the attempt says so (the webhook was turned off)', async () => {
    let n = 0;
    const { result, calls } = await run({ startWebhookDelivery: ready, attemptWebhookDelivery: async () => ({ delivered: false, stop: ++n === 2 }), failWebhookDelivery: async () => undefined });
    expect(result).toEqual({ deliveryId: 'd1', status: 'failed', attempts: 2 });
    expect(calls.map((c) => c.name)).not.toContain('failWebhookDelivery');
  });

  it('gives up after the last scheduled attempt, more than a day later, and marks the delivery failed', async () => {
    const { result, calls, elapsedMs } = await run({
      startWebhookDelivery: ready,
      attemptWebhookDelivery: async () => ({ delivered: false, stop: false }),
      failWebhookDelivery: async () => undefined,
    });
    const attempts = WEBHOOK_RETRY_DELAYS_S.length + 1;
    expect(result).toEqual({ deliveryId: 'd1', status: 'failed', attempts });
    expect(calls.filter((c) => c.name === 'attemptWebhookDelivery').map((c) => (c.input as { retryInSeconds: number | null }).retryInSeconds)).toEqual([...WEBHOOK_RETRY_DELAYS_S, null]);
    expect(calls.at(-1)).toMatchObject({ name: 'failWebhookDelivery', input: { deliveryId: 'd1' } });
    expect(elapsedMs).toBeGreaterThan(24 * 3600_000);
  });
});
