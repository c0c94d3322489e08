import type { ActivityOptions, LocalActivityOptions, RetryPolicy } from '@temporalio/common';

/** Named retry and timeout presets: workflows pick one, never literals. Kept free of Node APIs (workflows import it). */
export const retry: Record<'standard' | 'stateLock' | 'cloud' | 'delivery', RetryPolicy> = {
  standard: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 8 },
  /** Waiting for a state lock someone else holds (a user's own CLI run): about ten minutes, then give up. */
  stateLock: { initialInterval: '5s', backoffCoefficient: 1.5, maximumInterval: '30s', maximumAttempts: 25 },
  /** A cloud's identity API that does not answer: retried with backoff for about a quarter of an hour. */
  cloud: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '2m', maximumAttempts: 10 },
  /** Outbound deliveries (mail): no attempt limit, at most five minutes apart — an outage delays, loses nothing. */
  delivery: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '5m' },
};

export const activityPresets = {
  /** Database writes, notifications, deletes. */
  short: { startToCloseTimeout: '30s', retry: retry.standard },
  /** One call to a cloud's identity API (token exchange + a read); a network error is retried, never a verdict. */
  cloudCheck: { startToCloseTimeout: '1m', retry: retry.cloud },
  /** One outbound delivery (an SMTP send), retried until it goes through or fails permanently. */
  delivery: { startToCloseTimeout: '1m', retry: retry.delivery },
  /** Reading, hashing and analysing an uploaded archive; heartbeats while it works. */
  artifact: { startToCloseTimeout: '15m', heartbeatTimeout: '1m', retry: retry.standard },
  /**
   * One engine phase (init + plan, or init + apply). Heartbeats every few seconds while the engine runs, so a lost
   * worker is noticed within the heartbeat timeout. Apply guards itself: a second attempt never applies again.
   */
  engine: { startToCloseTimeout: '4h', heartbeatTimeout: '20s', retry: { ...retry.standard, maximumAttempts: 3 } },
  stateLock: { startToCloseTimeout: '30s', retry: retry.stateLock },
  /** One webhook POST (10 s, redirects included) and its bookkeeping; the endpoint's failures are retried by the workflow. */
  webhookAttempt: { startToCloseTimeout: '1m', retry: retry.standard },
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
