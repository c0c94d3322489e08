import type { ActivityOptions, LocalActivityOptions, RetryPolicy } from '@temporalio/common';

/** Named retry and timeout presets: workflows pick one, never literals. Kept free of Node APIs (workflows import it). */
export const retry: Record<'standard' | 'delivery', RetryPolicy> = {
  standard: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 8 },
  /** Outbound deliveries (mail): no attempt limit, at most five minutes apart — an outage delays, loses nothing. */
  delivery: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '5m' },
};

export const activityPresets = {
  /** Database writes, notifications, deletes. */
  short: { startToCloseTimeout: '30s', retry: retry.standard },
  /** One outbound delivery (an SMTP send), retried until it goes through or fails permanently. */
  delivery: { startToCloseTimeout: '1m', retry: retry.delivery },
  /** Reading, hashing and analysing an uploaded archive; heartbeats while it works. */
  artifact: { startToCloseTimeout: '15m', heartbeatTimeout: '1m', retry: retry.standard },
} satisfies Record<string, ActivityOptions>;

/**
 * Local activities run inside the workflow task on the worker that runs the workflow: no task-queue round trip
 * per step, which is most of a short publish's latency. Only for short, idempotent steps (one transaction, a
 * delete) — never streaming or hashing, which need heartbeats. A worker lost mid-step re-runs the step on
 * another worker when the workflow task times out, so every one must be safe to repeat.
 */
export const localActivityPresets = {
  /** One database transaction or a few blob deletes. */
  short: { startToCloseTimeout: '30s', retry: retry.standard },
} satisfies Record<string, LocalActivityOptions>;
