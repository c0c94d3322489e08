import type { Tx } from '../knex';
import { insertAudit } from './audit';

/**
 * The audit entry of a version landing in the catalogue, written by the publish workflow's record step in the
 * transaction that inserts the version (so both land or neither). The actor is whoever asked for the publish (a
 * user or a service token, by `publishedBy`), or the system for a publish a VCS tag started.
 */
export async function auditVersionRecorded(
  tx: Tx,
  input: { kind: 'module' | 'provider'; namespace: string; address: string; version: string; workflowId: string; publishedBy: string | null },
): Promise<void> {
  // One after another: a transaction is one connection, and pg queues (and warns about) concurrent queries on it.
  const ns = await tx('namespaces').whereRaw('lower(name) = lower(?)', [input.namespace]).first<{ org_id: string } | undefined>('org_id');
  const user = input.publishedBy ? await tx('users').where({ id: input.publishedBy }).first<{ email: string } | undefined>('email') : undefined;
  const token = input.publishedBy && !user ? await tx('api_tokens').where({ id: input.publishedBy }).first<{ name: string } | undefined>('name') : undefined;
  const actor = user
    ? { actorType: 'user' as const, actorId: input.publishedBy, actorLabel: user.email }
    : token
      ? { actorType: 'token' as const, actorId: input.publishedBy, actorLabel: token.name }
      : { actorType: 'system' as const, actorId: null, actorLabel: `workflow ${input.workflowId}` };
  await insertAudit(tx, {
    ...actor,
    orgId: ns?.org_id ?? null,
    action: `${input.kind}.publish`,
    target: `${input.address}@${input.version}`,
    result: 'success',
    ip: null,
    userAgent: null,
    details: { workflowId: input.workflowId },
  });
}
