import { parseCommand } from '../args';
import type { Command } from '../command';
import { workspaceOf } from '../runs/paths';
import { uploadConfiguration } from '../runs/upload';

const options = { org: { type: 'string' }, workspace: { type: 'string' }, json: { type: 'boolean' } } as const;

export const workspaceUpload: Command = {
  group: 'workspace',
  action: 'upload',
  summary: 'upload a directory as a new configuration version',
  help: `Usage: strata workspace upload --org <org> --workspace <ws> <dir> [--json]

Packs <dir> into a .tar.gz and uploads it as the workspace's newest configuration; the next run uses it. Prints
the configuration id (for strata run start, or POST …/runs {"configurationId"}).

Left out of the archive: .git/, .terraform/, anything named *.tfstate* (state, backups, terraform.tfstate.d/),
.DS_Store. The dependency lock file .terraform.lock.hcl is kept. Symbolic links are refused.

Options:
  --org <org>            the organisation
  --workspace <ws>       the workspace
  --json                 print the API's JSON answer
  -h, --help             show this help`,

  async run(argv, ctx) {
    const { values, positionals } = parseCommand(argv, options, ['dir']);
    const { org, ws, path } = workspaceOf(values);
    const uploaded = await uploadConfiguration(ctx.api({ auth: true }), path, positionals[0]!);
    if (values.json) return ctx.io.out(JSON.stringify({ id: uploaded.id, sha256: uploaded.sha256, size: uploaded.size }, null, 2));
    ctx.io.err(`Uploaded ${uploaded.files} file${uploaded.files === 1 ? '' : 's'} (${uploaded.size} bytes, sha256 ${uploaded.sha256}) to ${org}/${ws}`);
    ctx.io.out(uploaded.id);
  },
};
