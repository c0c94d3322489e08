import { parseCommand, required } from '../args';
import type { CreatedToken } from '../../api/routes/tokens/shapes';
import type { Command } from '../command';

const options = {
  name: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export const tokenCreate: Command = {
  group: 'token',
  action: 'create',
  summary: 'create an API token (shown once)',
  help: `Usage: strata token create --name <name> [--json]

Creates an API token and prints it on stdout, alone, so it can be captured:
  export STRATA_TOKEN=$(strata token create --name ci)
The registry keeps only a hash: the token cannot be shown again.

Options:
  --name <name>          what the token is for, e.g. ci
  --json                 print the API's JSON answer (including the token)
  -h, --help             show this help`,

  async run(argv, ctx) {
    const { values } = parseCommand(argv, options);
    const name = required(values, 'name');
    const created = await ctx.api({ auth: true }).json<CreatedToken>('POST', '/api/v1/tokens', { name });
    if (values.json) return ctx.io.out(JSON.stringify(created, null, 2));
    ctx.io.err(`Created token "${created.name}" (id ${created.id}). Store it now: it will not be shown again.`);
    ctx.io.out(created.token);
  },
};
