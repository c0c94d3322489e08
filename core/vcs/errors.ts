import { DomainError, Forbidden, Invalid, NotFound } from '../errors';
import type { VcsKind } from './types';

export const providerNames: Record<VcsKind, string> = { github: 'GitHub', gitlab: 'GitLab', 'azure-devops': 'Azure DevOps' };

/** A provider call that failed for a reason that may pass (outage, rate limit, network): retried. */
export class VcsUnavailable extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'VcsUnavailable';
  }
}

/** The HTTP status carried by an error from octokit, gitbeaker or azure-devops-node-api, if any. */
export function statusOf(err: unknown): number | null {
  const e = err as { status?: unknown; statusCode?: unknown; cause?: { response?: { status?: unknown } } } | null;
  for (const v of [e?.status, e?.statusCode, e?.cause?.response?.status]) if (typeof v === 'number') return v;
  return null;
}

function isRateLimited(err: unknown): boolean {
  const headers = (err as { response?: { headers?: Record<string, string> } })?.response?.headers ?? {};
  return headers['x-ratelimit-remaining'] === '0' || 'retry-after' in headers;
}

/**
 * Maps a failed provider call to what Strata does about it: rejected credentials, missing permissions and
 * missing repositories are the user's to fix (domain errors, never retried); anything else is retried.
 * Messages name the provider and what was attempted, never the credentials.
 */
export function toVcsError(kind: VcsKind, err: unknown, attempted: string): Error {
  if (err instanceof DomainError || err instanceof VcsUnavailable) return err;
  const provider = providerNames[kind];
  const status = statusOf(err);
  if (status === 401) return new Invalid(`${provider} rejected the credentials while trying to ${attempted}`, 'vcs_credentials_rejected');
  if (status === 403 && !isRateLimited(err)) {
    return new Forbidden(`${provider} refused to ${attempted}: the credentials lack the permission`, 'vcs_forbidden');
  }
  if (status === 404) return new NotFound(`${provider} found nothing while trying to ${attempted}`, 'vcs_not_found');
  if (status !== null && status >= 400 && status < 500 && status !== 403 && status !== 408 && status !== 429) {
    return new Invalid(`${provider} answered ${status} while trying to ${attempted}`, 'vcs_request_rejected');
  }
  const detail = status ? `HTTP ${status}` : err instanceof Error ? err.message : String(err);
  return new VcsUnavailable(`${provider} could not ${attempted} (${detail})`, status);
}
