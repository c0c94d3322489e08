import { usesWorkloadIdentity } from '../../core/credentials/kinds';
import type { Db } from '../../core/db/knex';
import { listWorkspaceCredentialIds } from '../../core/db/repos/workspace-credentials';
import type { RunRuntime } from '../../core/runs/runtime';
import { awsSessionName, exchangeAwsWebIdentity } from '../../core/workload-identity/aws';
import { DEFAULT_AUDIENCES, mintWorkloadToken } from '../../core/workload-identity/tokens';
import { checkCredentialBeforeRun, openCredential, resolveRunCredentialEnv, type CredentialRuntime } from '../credentials/credential-check';

/**
 * The cloud environment of one phase of a run, from the workspace's bound credentials, inside the phase's
 * activity (never in a workflow payload): static credentials are checked against their cloud before the plan and
 * decrypted; an `aws` credential with a role and no key is exchanged for the role's short-lived keys with an ID
 * token Strata mints for exactly this organisation, workspace, run and phase.
 */
export async function runCredentialEnv(
  deps: { db: Db; credentials: CredentialRuntime; runs: RunRuntime },
  input: { runId: string; phase: 'plan' | 'apply'; orgName: string; workspaceName: string; workspaceId: string },
): Promise<Record<string, string>> {
  const ids = await listWorkspaceCredentialIds(deps.db, input.workspaceId);
  if (!ids.length) return {};
  const credDeps = { db: deps.db, runtime: deps.credentials };
  const env: Record<string, string> = {};
  const staticIds: string[] = [];
  for (const id of ids) {
    const opened = await openCredential(credDeps, id);
    if (!usesWorkloadIdentity(opened.kind, opened.secret, opened.row.settings)) {
      if (input.phase === 'plan') await checkCredentialBeforeRun(credDeps, { credentialId: id });
      staticIds.push(id);
      continue;
    }
    const minted = await mintWorkloadToken(
      { db: deps.db, secrets: deps.runs.secrets, config: { publicUrl: deps.runs.publicUrl, workloadIdentity: deps.runs.workloadIdentity } },
      { orgName: input.orgName, workspaceName: input.workspaceName, runId: input.runId, phase: input.phase, audience: DEFAULT_AUDIENCES.aws },
    );
    const region = opened.row.settings.region ?? 'us-east-1';
    const keys = await exchangeAwsWebIdentity({
      roleArn: opened.row.settings.roleArn!,
      token: minted.token,
      region,
      ...(opened.row.settings.endpoint ? { endpoint: opened.row.settings.endpoint } : {}),
      sessionName: awsSessionName({ runId: input.runId, phase: input.phase }),
    });
    Object.assign(env, { AWS_ACCESS_KEY_ID: keys.accessKeyId, AWS_SECRET_ACCESS_KEY: keys.secretAccessKey, AWS_SESSION_TOKEN: keys.sessionToken, AWS_REGION: region, AWS_DEFAULT_REGION: region });
  }
  return { ...env, ...(await resolveRunCredentialEnv(credDeps, { credentialIds: staticIds })) };
}
