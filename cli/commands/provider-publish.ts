import { openAsBlob } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseCommand, required } from '../args';
import type { ProviderPublished } from '../../api/routes/providers/shapes';
import type { Command } from '../command';
import { UsageError } from '../errors';
import { findProviderRelease } from '../release/find-release';

const options = {
  namespace: { type: 'string' },
  type: { type: 'string' },
  version: { type: 'string' },
  protocols: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export const providerPublish: Command = {
  group: 'provider',
  action: 'publish',
  summary: "publish a provider release from goreleaser's dist/ directory",
  help: `Usage: strata provider publish <dist-dir> --namespace <ns> [--type <type>] [--version <version>] [--protocols 5.0] [--json]

Uploads a signed provider release built by goreleaser: terraform-provider-<type>_<version>_SHA256SUMS, its
.sig, the <os>_<arch>.zip archives and, if present, the _manifest.json. Nothing else in <dist-dir> is sent.
The signing key must have been added to the namespace first (strata gpg-key add).

Options:
  --namespace <ns>       provider namespace, e.g. acme
  --type <type>          provider type; read from the SHA256SUMS file name when omitted
  --version <version>    release version; read from the SHA256SUMS file name when omitted
  --protocols <list>     plugin protocol versions, e.g. 5.0 or 5.0,6.0 (default: the manifest's, else 5.0)
  --json                 print the API's JSON answer instead of a summary
  -h, --help             show this help`,

  async run(argv, ctx) {
    const { values, positionals } = parseCommand(argv, options, ['dist-dir']);
    const dir = positionals[0]!;
    const namespace = required(values, 'namespace');
    const info = await stat(dir).catch(() => null);
    if (!info?.isDirectory()) throw new UsageError(`${dir} is not a directory`);

    const api = ctx.api({ auth: true });
    const release = await findProviderRelease(dir, { type: values.type, version: values.version });
    const form = new FormData();
    if (values.protocols) form.append('protocols', values.protocols);
    // Blobs backed by the files: fetch streams them, so large zips are never held in memory.
    for (const file of release.files) form.append('files', (await openAsBlob(file)) as Blob, basename(file));
    const path = `/api/v1/providers/${[namespace, release.type, release.version].map(encodeURIComponent).join('/')}?wait=true`;
    const result = await api.request<ProviderPublished>('POST', path, { body: form });

    if (values.json) return ctx.io.out(JSON.stringify(result, null, 2));
    const platforms = result.platforms.map((p) => `${p.os}_${p.arch}`).join(', ');
    const signer = `\n  signed by  ${result.signingKeyId}`;
    ctx.io.out(`Published ${namespace}/${release.type} ${result.version}\n  platforms  ${platforms}${signer}`);
  },
};
