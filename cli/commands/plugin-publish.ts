import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { Accepted } from '../../api/routes/common-shapes';
import type { z } from 'zod';
import type { pluginPublished } from '../../api/routes/plugins/shapes';
import { parseCommand, required } from '../args';
import type { Command } from '../command';
import { UsageError } from '../errors';
import { packPlugin } from '../pack/plugin-archive';

const options = { org: { type: 'string' }, dir: { type: 'string' }, 'no-wait': { type: 'boolean' }, json: { type: 'boolean' } } as const;

export const pluginPublish: Command = {
  group: 'plugin',
  action: 'publish',
  summary: 'zip a Pulumi plugin directory and publish it as a new version',
  help: `Usage: strata plugin publish --org <org> --dir <dir> [--no-wait] [--json]

Zips <dir> (reproducibly) and publishes it into the organisation's plugin catalogue. The directory holds
strata-plugin.json ({name, version, description, inputs}: a semver version, inputs a JSON Schema of type object)
and exactly one of index.js or index.ts, whose default export receives the validated inputs and returns the
stack outputs. Versions are immutable: publishing one twice fails.

Left out of the ZIP: .git/, node_modules/, .pulumi/, Pulumi.*.yaml, .DS_Store. Symbolic links are refused.

Options:
  --org <org>            the organisation
  --dir <dir>            the plugin directory
  --no-wait              return once the upload is accepted; print the workflow id and status URL
  --json                 print the API's JSON answer instead of a summary
  -h, --help             show this help`,

  async run(argv, ctx) {
    const { values } = parseCommand(argv, options);
    const org = required(values, 'org');
    const dir = required(values, 'dir');
    const info = await stat(dir).catch(() => null);
    if (!info?.isDirectory()) throw new UsageError(`${dir} is not a directory`);
    const api = ctx.api({ auth: true });
    const { archive } = await packPlugin(dir);
    const path = `/api/v1/orgs/${encodeURIComponent(org)}/plugins${values['no-wait'] ? '' : '?wait=true'}`;
    const result = await api.request<z.infer<typeof pluginPublished> | Accepted>('POST', path, {
      body: Readable.from([archive]),
      headers: { 'content-type': 'application/zip', 'content-length': String(archive.length) },
    });
    if (values.json) return ctx.io.out(JSON.stringify(result, null, 2));
    if (values['no-wait']) {
      ctx.io.out(`Uploaded ${dir}; publishing continues on the server.\n  workflow  ${result.workflowId}\n  status    ${result.statusUrl}`);
      return;
    }
    const published = result as z.infer<typeof pluginPublished>;
    ctx.io.out(`Published plugin ${published.name} ${published.version} in ${published.org}\n  entry   ${published.entry}\n  sha256  ${published.sha256}\n  size    ${published.size} bytes`);
  },
};
