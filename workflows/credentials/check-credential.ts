import { proxyActivities } from '@temporalio/workflow';
import type { CredentialCheckResult, createCredentialActivities } from '../../activities/credentials/credential-activities';
import { activityPresets } from '../../temporal/presets';

const credentials = proxyActivities<ReturnType<typeof createCredentialActivities>>(activityPresets.cloudCheck);

/**
 * Validates a cloud credential by asking its cloud who it is, and records the verdict (valid with the identity,
 * or invalid with the cloud's reason). Workflow ID: `credential-check:<credentialId>`; StrataKind
 * `credential-check`, StrataOrg the owning organisation. Started when a credential is saved or rotated, on
 * demand, and by the `credential-check-all` schedule. The input and result carry ids and verdicts only: the
 * secret is opened inside the activity and never enters the history. A cloud that cannot be reached is retried
 * with backoff; after the last attempt the workflow fails and the recorded verdict stays as it was.
 */
export async function checkCredential(input: { credentialId: string }): Promise<CredentialCheckResult> {
  return credentials.checkCloudCredential({ credentialId: input.credentialId });
}
