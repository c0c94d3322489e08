import { z } from 'zod';
import { NAME, SYSTEM } from '../../../core/registry/names';
import { orgParams, role } from '../orgs/schemas';

export const workspaceName = z.string().trim().min(1).max(90).regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'letters, digits, "-" and "_", starting with a letter or digit');
export const engine = z.enum(['tofu', 'terraform']);
export const environment = z.enum(['development', 'staging', 'production']);

export const workspaceSource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('upload') }).strict(),
  z
    .object({
      kind: z.literal('module'),
      namespace: z.string().regex(NAME),
      name: z.string().regex(NAME),
      system: z.string().regex(SYSTEM),
      version: z.string().trim().min(1).max(128).default('*'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('vcs'),
      connectionId: z.uuid(),
      repository: z.string().trim().min(1).max(200),
      ref: z.string().trim().min(1).max(200).default('main'),
      directory: z.string().trim().max(300).default(''),
    })
    .strict(),
]);

const variableKey = z.string().min(1).max(128).regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, 'a variable name: letters, digits, "_" and "-", not starting with a digit');
export const variableInput = z
  .object({
    key: variableKey,
    /** Omitted for a sensitive variable that keeps its stored value. */
    value: z.string().max(64 * 1024).optional(),
    category: z.enum(['terraform', 'env']),
    sensitive: z.boolean().optional(),
    hcl: z.boolean().optional(),
  })
  .strict();
export const variablesInput = z
  .array(variableInput)
  .max(500)
  .refine((vs) => new Set(vs.map((v) => `${v.category}:${v.key}`)).size === vs.length, 'each variable appears once per category');

/** Workspace (and deployment) tags: up to 50 `key: value` pairs. */
export const tags = z.record(z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/), z.string().trim().min(1).max(256)).refine((t) => Object.keys(t).length <= 50, 'at most 50 tags');

export const createWorkspaceInput = z
  .object({
    name: workspaceName,
    engine: engine.default('tofu'),
    engineVersion: z.string().trim().min(1).max(40).nullable().optional(),
    source: workspaceSource.default({ kind: 'upload' }),
    variables: variablesInput.default([]),
    environment: environment.default('development'),
    autoApply: z.boolean().default(false),
    tags: tags.default({}),
    driftIntervalMinutes: z.number().int().min(15).max(7 * 24 * 60).nullable().optional(),
  })
  .strict();
export type CreateWorkspaceInput = z.infer<typeof createWorkspaceInput>;

export const patchWorkspaceInput = z
  .object({
    engine: engine.optional(),
    engineVersion: z.string().trim().min(1).max(40).nullable().optional(),
    source: workspaceSource.optional(),
    environment: environment.optional(),
    autoApply: z.boolean().optional(),
    tags: tags.optional(),
    driftIntervalMinutes: z.number().int().min(15).max(7 * 24 * 60).nullable().optional(),
  })
  .strict();

export const createRunInput = z
  .object({
    configurationId: z.uuid().optional(),
    operation: z.enum(['plan', 'apply', 'destroy']).default('plan'),
    refreshOnly: z.boolean().optional(),
  })
  .strict();

export const policyInput = z
  .object({
    requiredTags: z.array(z.string().trim().min(1).max(64)).max(20).optional(),
    environments: z
      .array(
        z
          .object({
            environment,
            autoApplyAllowed: z.boolean(),
            requiredApprovals: z.number().int().min(1).max(10),
            approverRole: role.exclude(['reader']),
            approverTeamIds: z.array(z.uuid()).max(20).default([]),
            timeoutHours: z.number().int().min(1).max(24 * 30).default(72),
          })
          .strict(),
      )
      .max(3)
      .optional(),
  })
  .strict();

export const workspaceParams = orgParams.extend({ ws: z.string().max(90) });

export const credentialBindingInput = z.object({ credentialIds: z.array(z.uuid()).max(10).refine((ids) => new Set(ids).size === ids.length, 'each credential once') }).strict();
