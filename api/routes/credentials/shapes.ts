import { z } from 'zod';
import { accepted, isoDateTime, itemsOf } from '../common-shapes';

/** core/credentials/kinds.ts `CREDENTIAL_KINDS` (repeated so the browser's typecheck stays free of Node types; present.ts checks they agree). */
export const credentialKind = z.enum(['aws', 'azure', 'gcp', 'digitalocean', 'hetzner']);
export type CredentialKind = z.infer<typeof credentialKind>;

export const credentialStatus = z.enum(['pending', 'valid', 'invalid']);
export type CredentialStatus = z.infer<typeof credentialStatus>;

/** A cloud credential as the API shows it: never its secret, sealed or not. */
export const cloudCredential = z.object({
  id: z.string(),
  name: z.string(),
  kind: credentialKind,
  status: credentialStatus,
  /** When the cloud was last asked; null until the first check has finished. */
  checkedAt: isoDateTime.nullable(),
  /** What the cloud said about the identity: AWS account and ARN, Azure subscription, GCP project, … */
  identity: z.record(z.string(), z.string()).optional(),
  /** The cloud's reason when it refused the credential. */
  error: z.string().optional(),
  settings: z.object({ region: z.string().optional(), endpoint: z.string().optional(), roleArn: z.string().optional(), project: z.string().optional() }),
  /** When the cloud says the credential stops working, if it says so. */
  expiresAt: isoDateTime.nullable(),
  /** The secret's version: rotation adds one. */
  version: z.number().int(),
  /** Workspaces that use the credential (deletion is refused while there are any). */
  workspaces: z.array(z.object({ id: z.string(), name: z.string() })),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
});
export type CloudCredential = z.infer<typeof cloudCredential>;

export const cloudCredentialList = itemsOf(cloudCredential);

/** The answer to a save or rotation: the credential (`pending`) and the check that was started. */
export const cloudCredentialSaved = cloudCredential.extend({ validation: accepted });
export type CloudCredentialSaved = z.infer<typeof cloudCredentialSaved>;
