import { parseCommand } from '../args';
import type { Command } from '../command';

export const tokenRevoke: Command = {
  group: 'token',
  action: 'revoke',
  summary: 'revoke an API token by id',
  help: `Usage: strata token revoke <id>

Revokes the token with this id (see strata token list): requests made with it fail from now on.

Options:
  -h, --help             show this help`,

  async run(argv, ctx) {
    const { positionals } = parseCommand(argv, {}, ['id']);
    const id = positionals[0]!;
    await ctx.api({ auth: true }).request('DELETE', `/api/v1/tokens/${encodeURIComponent(id)}`);
    ctx.io.out(`Revoked token ${id}`);
  },
};
