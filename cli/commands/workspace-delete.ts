import { parseCommand } from '../args';
import type { Command } from '../command';
import { workspaceOf } from '../runs/paths';

const options = { org: { type: 'string' }, name: { type: 'string' } } as const;

export const workspaceDelete: Command = {
  group: 'workspace',
  action: 'delete',
  summary: 'delete a workspace with its state, variables and runs',
  help: `Usage: strata workspace delete --org <org> --name <name>

Deletes the workspace, its state versions, variables, configurations and runs. The server refuses while a run is
in progress or the state is locked.

Options:
  --org <org>            the organisation
  --name <name>          the workspace
  -h, --help             show this help`,

  async run(argv, ctx) {
    const { values } = parseCommand(argv, options);
    const { org, ws, path } = workspaceOf(values, 'name');
    await ctx.api({ auth: true }).request('DELETE', path);
    ctx.io.out(`Deleted workspace ${org}/${ws}`);
  },
};
