import { parseCommand } from '../args';
import type { Command } from '../command';
import { CliError } from '../errors';
import { followRun, isFailed } from '../runs/follow';
import { runPath } from '../runs/paths';
import { oneOf } from '../runs/workspace-args';

const options = { phase: { type: 'string' }, follow: { type: 'boolean' } } as const;

export const runLogs: Command = {
  group: 'run',
  action: 'logs',
  summary: "print a run's plan and apply logs (or follow them live)",
  help: `Usage: strata run logs <id> [--phase plan|apply] [--follow]

Prints the run's logs. With --follow, prints them as they are written until the run ends; the exit code is then 1
when the run ended errored, canceled or discarded.

Options:
  --phase <phase>        only the plan or the apply logs
  --follow               keep printing until the run ends
  -h, --help             show this help`,

  async run(argv, ctx) {
    const { values, positionals } = parseCommand(argv, options, ['id']);
    const id = positionals[0]!;
    const phase = values.phase === undefined ? undefined : oneOf('phase', values.phase.trim(), ['plan', 'apply'] as const);
    const api = ctx.api({ auth: false });
    if (!values.follow) {
      const text = await api.text(`${runPath(id, 'logs')}${phase ? `?phase=${phase}` : ''}`);
      if (text) ctx.io.out(text.replace(/\n$/, ''));
      return;
    }
    const status = await followRun(api, ctx.io, id, { phase });
    if (isFailed(status)) throw new CliError(`run ${id} ${status}`);
  },
};
