import type { Tx } from '../../core/db/knex';
import type { EmitInput } from '../../core/notifications/emit';

const key = (kind: 'module' | 'provider', workflowId: string) => `${kind}.published:${workflowId}`;

/** The `module.published` / `provider.published` event of a publish workflow (one per workflow ID). */
export function publishedNotice(input: { kind: 'module' | 'provider'; address: string; version: string; workflowId: string; orgId: string | null }): EmitInput {
  return {
    type: input.kind === 'module' ? 'module.published' : 'provider.published',
    orgId: input.orgId,
    subject: `${input.address} ${input.version} published`,
    link: `/${input.kind}s/${input.address}`,
    payload: { [input.kind]: input.address, version: input.version, workflowId: input.workflowId },
    dedupeKey: key(input.kind, input.workflowId),
  };
}

/** The id of that event, once raised. */
export async function publishedNoticeId(db: Tx, kind: 'module' | 'provider', workflowId: string): Promise<string | null> {
  const row = await db('notification_events').where({ dedupe_key: key(kind, workflowId) }).first('id');
  return (row as { id: string } | undefined)?.id ?? null;
}
