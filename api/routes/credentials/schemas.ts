import { z } from 'zod';
import { orgParams } from '../orgs/schemas';

/**
 * The credential request bodies. The shape here is the outer envelope; `secret` and `settings` are checked per
 * kind against core/credentials/kinds.ts (unknown kind, missing or extra fields, a malformed service-account key).
 */
const secretObject = z.record(z.string(), z.string().max(16_384)).describe('the kind\'s secret fields (write-only: never returned)');
const settingsObject = z
  .object({ region: z.string().optional(), endpoint: z.string().optional(), roleArn: z.string().optional(), project: z.string().optional() })
  .describe('region, endpoint, roleArn, project as the kind takes them');

export const createCredentialInput = z.strictObject({
  name: z.string().trim().min(1).max(100).regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/, 'letters, digits, spaces, ".", "_" and "-", starting with a letter or digit'),
  kind: z.string().min(1).max(40),
  secret: secretObject,
  settings: settingsObject.optional(),
});
export type CreateCredentialInput = z.infer<typeof createCredentialInput>;

/** Rotation: a new secret (a new version); settings are replaced when given, kept otherwise. */
export const rotateCredentialInput = z.strictObject({ secret: secretObject, settings: settingsObject.optional() });
export type RotateCredentialInput = z.infer<typeof rotateCredentialInput>;

export const credentialParams = orgParams.extend({ id: z.string().max(64) });
