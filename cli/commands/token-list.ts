import { parseCommand } from '../args';
import type { ApiTokenList } from '../../api/routes/tokens/shapes';
import { table, type Command } from '../command';

const options = { json: { type: 'boolean' } } as const;

export const tokenList: Command = {
  group: 'token',
  action: 'list',
  summary: 'list API tokens (never their secrets)',
  help: `Usage: strata token list [--json]

Lists API tokens by id, name and prefix, with when they were last used and whether they are revoked.

Options:
  --json                 print the API's JSON answer instead of a table
  -h, --help             show this help`,

  async run(argv, ctx) {
    const { values } = parseCommand(argv, options);
    const result = await ctx.api({ auth: true }).json<ApiTokenList>('GET', '/api/v1/tokens');
    if (values.json) return ctx.io.out(JSON.stringify(result, null, 2));
    const rows = result.items.map((t) => [
      t.id,
      t.name,
      `${t.prefix}…`,
      t.createdAt,
      t.lastUsedAt ?? 'never',
      t.revokedAt ? `revoked ${t.revokedAt}` : 'active',
    ]);
    ctx.io.out(table(['ID', 'NAME', 'PREFIX', 'CREATED', 'LAST USED', 'STATUS'], rows));
  },
};
