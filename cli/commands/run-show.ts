import type { Run } from '../../api/routes/workspaces/shapes';
import { parseCommand } from '../args';
import type { Command } from '../command';
import { describeRun } from '../runs/follow';
import { runPath } from '../runs/paths';

const options = { json: { type: 'boolean' } } as const;

export const runShow: Command = {
  group: 'run',
  action: 'show',
  summary: "show a run's status, plan summary, approvals and outputs",
  help: `Usage: strata run show <id> [--json]

Shows the run's status, plan summary and resource changes, approvals, error and outputs (sensitive ones masked).

Options:
  --json                 print the API's JSON answer
  -h, --help             show this help`,

  async run(argv, ctx) {
    const { values, positionals } = parseCommand(argv, options, ['id']);
    const run = await ctx.api({ auth: false }).json<Run>('GET', runPath(positionals[0]!));
    ctx.io.out(values.json ? JSON.stringify(run, null, 2) : describeRun(run));
  },
};
