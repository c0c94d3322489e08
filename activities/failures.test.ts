import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { failureToDomainError } from '../api/workflows/run-workflow';
import { Conflict, DomainError, ErrorKinds, Forbidden, Invalid, InvalidArtifact, NotFound } from '../core/errors';
import { failureOf, withDomainFailures } from './failures';

describe('activity failures', () => {
  it('maps kinds a retry cannot fix to non-retryable failures typed by kind', () => {
    for (const err of [new Invalid('bad'), new NotFound('gone'), new Conflict('exists', 'version_exists'), new Forbidden('no'), new InvalidArtifact('zip bomb', 'archive_bomb')]) {
      const failure = failureOf(err);
      expect(failure.type).toBe(err.kind);
      expect(failure.nonRetryable).toBe(true);
      expect(failure.details).toEqual([{ code: err.code }]);
    }
  });

  it('keeps unavailable, timeout and rate_limited retryable', () => {
    for (const kind of ['unavailable', 'timeout', 'rate_limited'] as const) {
      expect(failureOf(new DomainError(kind, `${kind}_code`, 'later')).nonRetryable).toBe(false);
    }
  });

  it('rethrows other errors unchanged (retried by Temporal)', async () => {
    const boom = new Error('socket hang up');
    await expect(withDomainFailures(async () => Promise.reject(boom))).rejects.toBe(boom);
  });

  it('round-trips every kind: activity failure type → kind → the same domain error in the API, no HTTP status inside', () => {
    for (const kind of ErrorKinds) {
      const failure = failureOf(new DomainError(kind, `${kind}_code`, `message for ${kind}`));
      expect(JSON.stringify(failure.details)).not.toMatch(/status|\b[45]\d\d\b/);
      // As the client sees it: wrapped by ActivityFailure and WorkflowFailedError.
      const domain = failureToDomainError({ cause: { cause: failure } });
      expect(domain).toMatchObject({ kind, code: `${kind}_code`, message: `message for ${kind}` });
    }
    expect(failureToDomainError(ApplicationFailure.create({ type: 'SomethingElse', message: 'x' }))).toBeNull();
  });
});
