import { ApplicationFailure } from '@temporalio/common';
import { Conflict, DomainError } from '../core/errors';
import { FailureTypes } from '../workflows/types';

export interface FailureDetails {
  code: string;
  status: number;
}

/**
 * Runs an activity body and turns domain errors (a bad archive, a bad signature, an existing version) into
 * non-retryable failures with a stable type and the error code the API shows. Anything else is rethrown and
 * retried by Temporal as a transient failure.
 */
export async function permanentOnDomainError<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof DomainError) {
      const type =
        err instanceof Conflict
          ? FailureTypes.VersionExists
          : err.status === 422
            ? FailureTypes.InvalidArtifact
            : FailureTypes.InvalidRequest;
      const details: FailureDetails = { code: err.code, status: err.status };
      throw ApplicationFailure.create({ message: err.message, type, nonRetryable: true, details: [details] });
    }
    throw err;
  }
}
