import { stat } from 'node:fs/promises';
import { parseCommand, required } from '../args';
import type { Accepted } from '../../api/routes/common-shapes';
import type { ModulePublished } from '../../api/routes/modules/shapes';
import type { Command } from '../command';
import { UsageError } from '../errors';
import { packModule } from '../pack/module-archive';

const options = {
  namespace: { type: 'string' },
  name: { type: 'string' },
  system: { type: 'string' },
  version: { type: 'string' },
  'no-wait': { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

export const modulePublish: Command = {
  group: 'module',
  action: 'publish',
  summary: 'pack a module directory and publish it as a new version',
  help: `Usage: strata module publish <dir> --namespace <ns> --name <name> --system <system> --version <version> [--no-wait] [--json]

Packs <dir> into a reproducible .tar.gz (same files, same bytes, whatever their mtimes) and uploads it as
module <ns>/<name>/<system> at <version>. Versions are immutable: publishing one twice fails.

Left out of the archive: .git/, .terraform/, *.tfstate, *.tfstate.backup, .DS_Store.
Symbolic links are refused (the registry accepts only files and directories).

Options:
  --namespace <ns>       module namespace, e.g. acme
  --name <name>          module name, e.g. vpc
  --system <system>      target system (provider), e.g. aws
  --version <version>    semantic version without "v", e.g. 1.2.0
  --no-wait              return once the upload is accepted; print the workflow id and status URL
  --json                 print the API's JSON answer instead of a summary
  -h, --help             show this help`,

  async run(argv, ctx) {
    const { values, positionals } = parseCommand(argv, options, ['dir']);
    const dir = positionals[0]!;
    const address = ['namespace', 'name', 'system'].map((key) => required(values, key));
    const version = required(values, 'version');
    const info = await stat(dir).catch(() => null);
    if (!info?.isDirectory()) throw new UsageError(`${dir} is not a directory`);

    const api = ctx.api({ auth: true });
    const { archive } = await packModule(dir);
    const path = `/api/v1/modules/${[...address, version].map(encodeURIComponent).join('/')}${values['no-wait'] ? '' : '?wait=true'}`;
    const result = await api.request<ModulePublished | Accepted>('POST', path, {
      body: archive,
      headers: { 'content-type': 'application/gzip' },
    });

    if (values.json) return ctx.io.out(JSON.stringify(result, null, 2));
    const label = `${address.join('/')} ${version}`;
    if (values['no-wait']) {
      ctx.io.out(`Uploaded ${label}; publishing continues on the server.\n  workflow  ${result.workflowId}\n  status    ${result.statusUrl}`);
      return;
    }
    const published = result as ModulePublished;
    ctx.io.out(`Published ${address.join('/')} ${published.version}\n  sha256  ${published.sha256}\n  size    ${published.size} bytes`);
  },
};
