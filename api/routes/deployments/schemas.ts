import { z } from 'zod';
import { environment, tags, workspaceName } from '../workspaces/schemas';


export const createDeploymentInput = z
  .object({
    plugin: z.string().trim().min(1).max(64),
    version: z.string().trim().min(1).max(64),
    /** The stack's name; the deployment is the workspace of that name. */
    stack: workspaceName,
    environment: environment.default('development'),
    inputs: z.record(z.string(), z.unknown()).default({}),
    tags: tags.default({}),
    credentialIds: z.array(z.uuid()).max(10).default([]),
    autoApply: z.boolean().default(false),
  })
  .strict();

/** Tags a deployment must carry unless the organisation's run policy names its own. */
export const DEPLOYMENT_TAGS = ['team', 'owner', 'purpose'];

export const deploymentParams = z.object({ id: z.uuid() });
export const deploymentFilters = z.object({
  environment: environment.optional(),
  status: z.string().max(40).optional(),
  plugin: z.string().max(64).optional(),
  /** `key=value`. */
  tag: z.string().max(330).regex(/^[^=]+=.*$/, 'a tag filter is key=value').optional(),
});
