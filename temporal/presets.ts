import type { ActivityOptions, RetryPolicy } from '@temporalio/common';

/** Named retry and timeout presets: workflows pick one, never literals. Kept free of Node APIs (workflows import it). */
export const retry: Record<'standard', RetryPolicy> = {
  standard: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 8 },
};

export const activityPresets = {
  /** Database writes, notifications, deletes. */
  short: { startToCloseTimeout: '30s', retry: retry.standard },
  /** Reading, hashing and analysing an uploaded archive; heartbeats while it works. */
  artifact: { startToCloseTimeout: '15m', heartbeatTimeout: '1m', retry: retry.standard },
} satisfies Record<string, ActivityOptions>;
