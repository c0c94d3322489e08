import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import { continueAsNew, log, ParentClosePolicy, proxyActivities, startChild } from '@temporalio/workflow';
import type { createCredentialActivities } from '../../activities/credentials/credential-activities';
import { activityPresets } from '../../temporal/presets';
import { strataAttributes } from '../../temporal/search-attributes';
import { checkCredential } from './check-credential';
import { CREDENTIAL_CHECK_KIND, credentialWorkflowIds } from './ids';

const credentials = proxyActivities<ReturnType<typeof createCredentialActivities>>(activityPresets.short);

const PAGE = 100;

/**
 * The scheduled re-check (schedule `credential-check-all`): starts `credential-check:<id>` for every live
 * credential, a page at a time (continuing as new between pages). The checks run on their own (abandoned
 * children), so one slow cloud does not hold up the others; a check already running is left to finish.
 */
export async function checkAllCredentials(input: { after?: string } = {}): Promise<{ started: number; alreadyRunning: number }> {
  const page = await credentials.listCloudCredentialsToCheck({ after: input.after, limit: PAGE });
  let started = 0;
  let alreadyRunning = 0;
  for (const { credentialId, org } of page) {
    try {
      await startChild(checkCredential, {
        workflowId: credentialWorkflowIds.check(credentialId),
        args: [{ credentialId }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
        typedSearchAttributes: strataAttributes({ kind: CREDENTIAL_CHECK_KIND, org }),
      });
      started++;
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      alreadyRunning++;
      log.info('a check of this credential is already running', { credentialId });
    }
  }
  if (page.length === PAGE) await continueAsNew<typeof checkAllCredentials>({ after: page[page.length - 1]!.credentialId });
  return { started, alreadyRunning };
}
