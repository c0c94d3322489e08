import type { WorkspaceDetail } from '../../api/routes/workspaces/shapes';
import { parseCommand } from '../args';
import { table, type Command } from '../command';
import { oneLine } from '../terminal-safe';
import { workspaceOf } from '../runs/paths';

const options = { org: { type: 'string' }, name: { type: 'string' }, json: { type: 'boolean' } } as const;

/** A workspace as `strata workspace show` prints it. */
export function describeWorkspace(w: WorkspaceDetail): string {
  const source = w.source as Record<string, unknown>;
  let from = String(source.kind);
  if (source.kind === 'module') from = `module ${String(source.namespace)}/${String(source.name)}/${String(source.system)} @ ${String(source.version)}`;
  if (source.kind === 'vcs') from = `vcs ${String(source.repository)} @ ${String(source.ref)}${source.directory ? ` (${String(source.directory)})` : ''}`;
  const rows: [string, string][] = [
    ['workspace', `${w.organization}/${w.name}`],
    ['id', w.id],
    ['engine', `${w.engine}${w.engineVersion ? ` ${w.engineVersion}` : ''}`],
    ['source', from],
    ['environment', w.environment],
    ['auto-apply', w.autoApply ? 'yes' : 'no'],
    ['tags', Object.entries(w.tags).map(([k, v]) => `${k}=${v}`).join(', ') || '-'],
    ['state', w.locked ? 'locked' : 'unlocked'],
    ['drift', `${w.drift.status}${w.drift.checkedAt ? ` (checked ${w.drift.checkedAt})` : ''}`],
    ['latest run', w.latestRun ? `${w.latestRun.id} ${w.latestRun.operation} ${w.latestRun.status}` : '-'],
    ['created', w.createdAt],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `${k.padEnd(width)}  ${oneLine(v)}`);
  if (w.variables.length) {
    lines.push('', table(
      ['VARIABLE', 'CATEGORY', 'VALUE', 'HCL'],
      w.variables.map((v) => [v.key, v.category, v.sensitive ? '(sensitive)' : (v.value ?? ''), v.hcl ? 'yes' : '']),
    ));
  }
  return lines.join('\n');
}

export const workspaceShow: Command = {
  group: 'workspace',
  action: 'show',
  summary: "show a workspace's settings and variables",
  help: `Usage: strata workspace show --org <org> --name <name> [--json]

Shows the workspace's engine, source, environment, tags, state lock, latest run and variables (sensitive values are
never shown).

Options:
  --org <org>            the organisation
  --name <name>          the workspace
  --json                 print the API's JSON answer
  -h, --help             show this help`,

  async run(argv, ctx) {
    const { values } = parseCommand(argv, options);
    const { path } = workspaceOf(values, 'name');
    const result = await ctx.api({ auth: false }).json<WorkspaceDetail>('GET', path);
    ctx.io.out(values.json ? JSON.stringify(result, null, 2) : describeWorkspace(result));
  },
};
