import { ApplicationFailure } from '@temporalio/common';
import { DomainError, type ErrorKind } from '../core/errors';

/** What an activity failure carries besides its type (the error kind) and message. Never an HTTP status. */
export interface FailureDetails {
  code: string;
}

/** Kinds that may pass by themselves (an outage, a slow or rate-limiting peer): Temporal retries them. */
const transientKinds: ReadonlySet<ErrorKind> = new Set<ErrorKind>(['unavailable', 'timeout', 'rate_limited']);

/**
 * The Temporal failure for a domain error: an ApplicationFailure whose type is the error's kind and whose details
 * hold its code. Kinds a retry cannot fix (invalid, not_found, conflict, forbidden, invalid_artifact…) are
 * non-retryable; transient kinds stay retryable.
 */
export function failureOf(err: DomainError): ApplicationFailure {
  const details: FailureDetails = { code: err.code };
  return ApplicationFailure.create({ message: err.message, type: err.kind, nonRetryable: !transientKinds.has(err.kind), details: [details] });
}

/**
 * Runs an activity body and turns domain errors into Temporal failures ({@link failureOf}). Anything else is
 * rethrown unchanged and retried by Temporal as a transient failure.
 */
export async function withDomainFailures<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof DomainError) throw failureOf(err);
    throw err;
  }
}
