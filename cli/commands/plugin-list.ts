import type { PluginSummary } from '../../api/routes/plugins/shapes';
import { parseCommand, required } from '../args';
import { table, type Command } from '../command';

const options = { org: { type: 'string' }, q: { type: 'string' }, json: { type: 'boolean' } } as const;

export const pluginList: Command = {
  group: 'plugin',
  action: 'list',
  summary: "list an organisation's Pulumi plugins",
  help: `Usage: strata plugin list --org <org> [--q <text>] [--json]

Lists the organisation's plugins with their latest version and whether they are locked (a locked plugin is
deployed only by admins and by members whose access request was approved).

Options:
  --org <org>            the organisation
  --q <text>             only plugins whose name or description contains <text>
  --json                 print the API's JSON answer instead of a table
  -h, --help             show this help`,

  async run(argv, ctx) {
    const { values } = parseCommand(argv, options);
    const query = values.q ? `?q=${encodeURIComponent(values.q)}` : '';
    const result = await ctx.api({ auth: false }).json<{ items: PluginSummary[] }>('GET', `/api/v1/orgs/${encodeURIComponent(required(values, 'org'))}/plugins${query}`);
    if (values.json) return ctx.io.out(JSON.stringify(result, null, 2));
    const rows = result.items.map((p) => [p.name, p.latestVersion ?? '-', String(p.versionCount), p.locked ? 'locked' : '', p.description]);
    ctx.io.out(table(['NAME', 'LATEST', 'VERSIONS', 'LOCK', 'DESCRIPTION'], rows));
  },
};
