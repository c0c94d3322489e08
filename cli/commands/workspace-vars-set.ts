import type { WorkspaceDetail } from '../../api/routes/workspaces/shapes';
import { parseCommand } from '../args';
import type { Command } from '../command';
import { UsageError } from '../errors';
import { workspaceOf } from '../runs/paths';
import { mergeVariables, parseAssignment, type VariableUpdate } from '../runs/workspace-args';

const options = {
  org: { type: 'string' },
  workspace: { type: 'string' },
  env: { type: 'boolean' },
  sensitive: { type: 'boolean' },
  hcl: { type: 'boolean' },
} as const;

/**
 * The variables a `workspace vars set` command line sets. `KEY=VALUE` each; with --sensitive a bare `KEY` takes its
 * value from standard input (`stdinValue`), so a secret need not appear in the shell history or the process list.
 */
export function variableUpdates(
  assignments: readonly string[],
  flags: { env?: boolean; sensitive?: boolean; hcl?: boolean },
  stdinValue?: string,
): VariableUpdate[] {
  const category = flags.env ? 'env' : 'terraform';
  if (flags.env && flags.hcl) throw new UsageError('--hcl applies to Terraform variables, not to --env ones');
  const bare = assignments.filter((a) => !a.includes('='));
  if (bare.length && !flags.sensitive) throw new UsageError(`${JSON.stringify(bare[0])} is not KEY=VALUE (a bare KEY reads its value from standard input with --sensitive)`);
  if (bare.length > 1) throw new UsageError('only one KEY can read its value from standard input');
  const seen = new Set<string>();
  return assignments.map((a) => {
    const { key, value } = a.includes('=') ? parseAssignment(a, 'variable') : { key: a, value: stdinValue };
    if (value === undefined) throw new UsageError(`${key}: standard input cannot be read here`);
    if (seen.has(key)) throw new UsageError(`${key} is given twice`);
    seen.add(key);
    return { key, category, value, sensitive: Boolean(flags.sensitive), hcl: Boolean(flags.hcl) };
  });
}

export const workspaceVarsSet: Command = {
  group: 'workspace',
  action: 'vars set',
  summary: "set workspace variables (keeping the others)",
  help: `Usage: strata workspace vars set --org <org> --workspace <ws> [--env] [--sensitive] [--hcl] KEY=VALUE ...

Sets Terraform variables (or, with --env, environment variables) of the workspace. The workspace's other variables
are kept, sensitive ones with their stored values. A sensitive value is encrypted at rest and never shown again.
With --sensitive, a bare KEY reads its value from standard input (a trailing newline is dropped):

  printf '%s' "$DB_PASSWORD" | strata workspace vars set --org acme --workspace app --sensitive db_password

Options:
  --org <org>            the organisation
  --workspace <ws>       the workspace
  --env                  environment variables of the engine's process instead of Terraform variables
  --sensitive            never show the values again (API, dashboard, logs)
  --hcl                  the values are HCL expressions (lists, maps), not strings
  -h, --help             show this help`,

  async run(argv, ctx) {
    const { values, positionals } = parseCommand(argv, options, ['KEY=VALUE...']);
    const { path } = workspaceOf(values);
    const readsStdin = Boolean(values.sensitive) && positionals.some((a) => !a.includes('='));
    let stdinValue: string | undefined;
    if (readsStdin && ctx.io.readStdin) stdinValue = (await ctx.io.readStdin()).replace(/\r?\n$/, '');
    const updates = variableUpdates(positionals, values, stdinValue);
    const api = ctx.api({ auth: true });
    const current = await api.json<WorkspaceDetail>('GET', path);
    const result = await api.json<{ items: WorkspaceDetail['variables'] }>('PUT', `${path}/variables`, mergeVariables(current.variables, updates));
    const category = values.env ? 'environment' : 'Terraform';
    ctx.io.out(`Set ${updates.length} ${category} variable${updates.length === 1 ? '' : 's'} (${updates.map((u) => u.key).join(', ')}); the workspace has ${result.items.length} in all`);
  },
};

