import { createPrivateKey } from 'node:crypto';
import { z } from 'zod';
import type { VcsCredentials } from '../../../core/vcs/credentials';
import { vcsKinds } from '../../../core/vcs/types';

function isPrivateKey(pem: string): boolean {
  try {
    return createPrivateKey(pem).asymmetricKeyType === 'rsa';
  } catch {
    return false;
  }
}

const appFields = ['appId', 'privateKey', 'installationId'] as const;

/**
 * A connection authenticates with `token`, or (GitHub only) as a GitHub App installation with `appId`,
 * `privateKey` (the app's RSA key, PEM) and `installationId` — never both.
 */
export const connectionInput = z
  .strictObject({
    kind: z.enum(vcsKinds),
    name: z.string().trim().min(1).max(100),
    /** The owning organisation (its admins manage the connection); default: the `default` organisation. */
    organization: z.string().trim().min(1).max(64).optional(),
    baseUrl: z.string().trim().min(1).max(2048).optional(),
    token: z.string().min(1).max(8192).optional(),
    appId: z.union([z.string().regex(/^[1-9][0-9]{0,18}$/), z.number().int().positive()]).transform(String).optional(),
    privateKey: z.string().max(16384).refine(isPrivateKey, 'privateKey must be the GitHub App\'s RSA private key, PEM encoded').optional(),
    installationId: z.number().int().positive().optional(),
  })
  .superRefine((v, ctx) => {
    const app = appFields.filter((f) => v[f] !== undefined);
    if (v.token !== undefined && app.length > 0) ctx.addIssue({ code: 'custom', message: 'give either token or GitHub App credentials, not both', path: ['token'] });
    else if (v.token === undefined && app.length === 0) ctx.addIssue({ code: 'custom', message: 'token is required (or appId, privateKey and installationId for a GitHub App)', path: ['token'] });
    else if (app.length > 0 && app.length < appFields.length) {
      for (const f of appFields.filter((f) => v[f] === undefined)) ctx.addIssue({ code: 'custom', message: `${f} is required with GitHub App credentials`, path: [f] });
    } else if (app.length > 0 && v.kind !== 'github') ctx.addIssue({ code: 'custom', message: 'only GitHub connections can authenticate as a GitHub App', path: ['appId'] });
  });
export type ConnectionInput = z.infer<typeof connectionInput>;

/** The credentials a validated {@link connectionInput} carries. */
export function credentialsOf(input: ConnectionInput): VcsCredentials {
  if (input.token !== undefined) return { token: input.token };
  return { app: { appId: input.appId!, privateKey: input.privateKey!, installationId: input.installationId! } };
}

export const linkInput = z.strictObject({
  connectionId: z.uuid(),
  repository: z.string().trim().min(3).max(512),
  subdirectory: z.string().max(512).optional(),
  tagPattern: z.string().max(100).optional(),
});
export type LinkInput = z.infer<typeof linkInput>;

export const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) });

export const tagsQuery = z.object({
  repository: z.string().trim().min(3).max(512),
  tagPattern: z.string().max(100).optional(),
});

export const waitQuery = z.object({
  wait: z.enum(['true', 'false', '1', '0']).optional().transform((v) => v === 'true' || v === '1'),
});

export const idParam = z.uuid();
