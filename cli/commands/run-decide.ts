import type { Run } from '../../api/routes/workspaces/shapes';
import { parseCommand } from '../args';
import type { Command } from '../command';
import { planWords } from '../runs/follow';
import { runPath } from '../runs/paths';

const withComment = { comment: { type: 'string' } } as const;

function decision(action: 'approve' | 'discard', past: string, summary: string, detail: string): Command {
  return {
    group: 'run',
    action,
    summary,
    help: `Usage: strata run ${action} <id> [--comment <text>]

${detail}

Options:
  --comment <text>       why (recorded with the decision)
  -h, --help             show this help`,

    async run(argv, ctx) {
      const { values, positionals } = parseCommand(argv, withComment, ['id']);
      const id = positionals[0]!;
      const body = values.comment?.trim() ? { comment: values.comment.trim() } : {};
      const run = await ctx.api({ auth: true }).json<Run>('POST', runPath(id, action), body);
      ctx.io.out(`${past} run ${run.id} (${planWords(run.plan)}): now ${run.status}`);
    },
  };
}

export const runApprove = decision(
  'approve',
  'Approved',
  'approve a run waiting for approval',
  `Approves the run's saved plan. The workspace environment's policy says who may approve and how many approvals
it needs; once it has them, exactly that plan is applied. Needs a user's token (not a service token).`,
);

export const runDiscard = decision(
  'discard',
  'Discarded',
  'discard a run waiting for approval',
  'Discards the run\'s plan: it is never applied. The same people who may approve may discard.',
);

export const runCancel: Command = {
  group: 'run',
  action: 'cancel',
  summary: 'cancel a queued or running run',
  help: `Usage: strata run cancel <id>

Cancels the run: a queued run never starts; a running plan or apply is interrupted and the state lock released.

Options:
  -h, --help             show this help`,

  async run(argv, ctx) {
    const { positionals } = parseCommand(argv, {}, ['id']);
    const run = await ctx.api({ auth: true }).json<Run>('POST', runPath(positionals[0]!, 'cancel'), undefined);
    // A running plan or apply stops asynchronously: say what it is now, not what it will be.
    ctx.io.out(run.status === 'canceled' ? `Canceled run ${run.id}` : `Cancel requested for run ${run.id} (now ${run.status})`);
  },
};
