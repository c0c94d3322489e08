import { z } from 'zod';
import { isoDateTime, itemsOf } from '../common-shapes';

export const deployment = z.object({
  id: z.string(),
  stack: z.string(),
  organization: z.string(),
  plugin: z.string(),
  version: z.string(),
  environment: z.enum(['development', 'staging', 'production']),
  inputs: z.record(z.string(), z.unknown()),
  tags: z.record(z.string(), z.string()),
  latestRun: z.object({ id: z.string(), status: z.string(), operation: z.string(), createdAt: isoDateTime }).nullable(),
  createdAt: isoDateTime,
});
export const deploymentList = itemsOf(deployment);
export type Deployment = z.infer<typeof deployment>;

export const deploymentAccepted = z.object({ id: z.string(), stack: z.string(), runId: z.string(), workflowId: z.string(), statusUrl: z.url() });
