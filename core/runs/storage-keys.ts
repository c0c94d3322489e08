/** Where a run's artifacts live in blob storage. */
export const configurationKey = (workspaceId: string, configurationId: string) => `configurations/${workspaceId}/${configurationId}.tar.gz`;
export const planKey = (runId: string) => `runs/${runId}/plan.bin`;
export const planJsonKey = (runId: string) => `runs/${runId}/plan.json`;
export const lockFileKey = (runId: string) => `runs/${runId}/terraform.lock.hcl`;
