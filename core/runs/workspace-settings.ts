import type { Tx } from '../db/knex';
import type { OrgRow } from '../db/repos/organizations';
import { listVariables, replaceVariables, type VariableRow } from '../db/repos/workspaces';
import type { SecretBox } from '../crypto/envelope';
import { Invalid } from '../errors';
import { variableContext } from './variables';

export interface VariableInput {
  key: string;
  value?: string;
  category: 'terraform' | 'env';
  sensitive?: boolean;
  hcl?: boolean;
}

/**
 * Seals sensitive values and keeps a stored sensitive value when the input omits it (the dashboard never has it to
 * send back). Call it in a transaction. A sensitive variable without a value and without a stored one is refused.
 */
export async function writeVariables(db: Tx, secrets: SecretBox, workspaceId: string, input: VariableInput[]): Promise<void> {
  // Two replacements at once would interleave their delete and insert: the workspace row serialises them.
  await db('workspaces').where({ id: workspaceId }).forUpdate().first('id');
  const existing = new Map<string, VariableRow>((await listVariables(db, workspaceId)).map((v) => [`${v.category}:${v.key}`, v]));
  const rows = input.map((v) => {
    const old = existing.get(`${v.category}:${v.key}`);
    if (v.sensitive) {
      if (v.value === undefined) {
        if (!old?.sensitive || !old.sealed) throw new Invalid(`the sensitive variable ${v.key} needs a value`, 'variable_value_missing');
        return { key: v.key, category: v.category, sensitive: true, hcl: v.hcl ?? false, value: null, sealed: old.sealed };
      }
      return { key: v.key, category: v.category, sensitive: true, hcl: v.hcl ?? false, value: null, sealed: secrets.seal(v.value, variableContext(workspaceId, v.category, v.key)) };
    }
    if (v.value === undefined) throw new Invalid(`the variable ${v.key} needs a value`, 'variable_value_missing');
    return { key: v.key, category: v.category, sensitive: false, hcl: v.hcl ?? false, value: v.value, sealed: null };
  });
  await replaceVariables(db, workspaceId, rows);
}

/** Refuses tags the organisation requires but the workspace lacks. */
export function checkRequiredTags(org: OrgRow & { required_workspace_tags?: string[] }, tags: Record<string, string>): void {
  const missing = (org.required_workspace_tags ?? []).filter((t) => !tags[t]?.trim());
  if (missing.length) throw new Invalid(`the organisation requires the tags ${missing.join(', ')} on every workspace`, 'workspace_tags_missing');
}

