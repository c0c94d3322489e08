import type { Workspace } from '../../api/routes/workspaces/shapes';
import { parseCommand, required } from '../args';
import { table, type Command } from '../command';
import { workspacesPath } from '../runs/paths';

const options = { org: { type: 'string' }, json: { type: 'boolean' } } as const;

export const workspaceList: Command = {
  group: 'workspace',
  action: 'list',
  summary: "list an organisation's workspaces",
  help: `Usage: strata workspace list --org <org> [--json]

Lists the organisation's workspaces with their engine, environment, latest run and whether their state is locked.

Options:
  --org <org>            the organisation
  --json                 print the API's JSON answer instead of a table
  -h, --help             show this help`,

  async run(argv, ctx) {
    const { values } = parseCommand(argv, options);
    const result = await ctx.api({ auth: false }).json<{ items: Workspace[] }>('GET', workspacesPath(required(values, 'org')));
    if (values.json) return ctx.io.out(JSON.stringify(result, null, 2));
    const rows = result.items.map((w) => [
      w.name,
      `${w.engine}${w.engineVersion ? ` ${w.engineVersion}` : ''}`,
      w.environment,
      w.autoApply ? 'yes' : 'no',
      w.latestRun ? `${w.latestRun.status} (${w.latestRun.operation}, ${w.latestRun.id})` : '-',
      w.locked ? 'locked' : '',
    ]);
    ctx.io.out(table(['NAME', 'ENGINE', 'ENVIRONMENT', 'AUTO-APPLY', 'LATEST RUN', 'STATE'], rows));
  },
};
