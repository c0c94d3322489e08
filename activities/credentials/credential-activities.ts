import type { Db } from '../../core/db/knex';
import { listCloudCredentialIds } from '../../core/db/repos/cloud-credentials';
import { Invalid } from '../../core/errors';
import { withDomainFailures } from '../failures';
import { runCredentialCheck, type CredentialCheckResult, type CredentialRuntime } from './credential-check';

export type { CredentialCheckResult } from './credential-check';

/** Side effects of cloud-credential checks. Inputs and results carry ids and verdicts, never a secret. */
export function createCredentialActivities(deps: { db: Db; credentials?: CredentialRuntime }) {
  const runtime = () => {
    if (!deps.credentials) throw new Invalid('this worker was started without an encryption key and network policy for credentials', 'credentials_not_configured');
    return deps.credentials;
  };

  return {
    /**
     * Decrypts the credential, asks its cloud who it is and records the verdict (raising `credential.invalid` /
     * `credential.expiring` on a change). A cloud that cannot be reached fails the attempt, which Temporal retries
     * with backoff: it never marks the credential invalid.
     */
    async checkCloudCredential(input: { credentialId: string }): Promise<CredentialCheckResult> {
      return withDomainFailures(() => runCredentialCheck({ db: deps.db, runtime: runtime() }, input.credentialId));
    },

    /** Live credentials after `after` in id order, `limit` at a time, for the scheduled re-check. */
    async listCloudCredentialsToCheck(input: { after?: string; limit: number }): Promise<{ credentialId: string; org: string }[]> {
      return (await listCloudCredentialIds(deps.db, input)).map((r) => ({ credentialId: r.id, org: r.org_name }));
    },
  };
}
