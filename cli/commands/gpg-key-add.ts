import { readFile } from 'node:fs/promises';
import { parseCommand, required } from '../args';
import type { Command } from '../command';
import type { GpgKey } from '../../api/routes/gpg-keys/shapes';
import { CliError, UsageError } from '../errors';


const options = {
  namespace: { type: 'string' },
  source: { type: 'string' },
  'source-url': { type: 'string' },
  json: { type: 'boolean' },
} as const;

export const gpgKeyAdd: Command = {
  group: 'gpg-key',
  action: 'add',
  summary: "add a public signing key to a namespace's trusted keys",
  help: `Usage: strata gpg-key add <armored-public-key-file> --namespace <ns> [--source <text>] [--source-url <url>] [--json]

Registers an ASCII-armored public key (gpg --armor --export <key-id>) for <ns>: provider releases of the
namespace must be signed by one of its keys. The key is shown to Terraform and OpenTofu with its source.

Options:
  --namespace <ns>       namespace the key signs for
  --source <text>        who the key belongs to, shown to clients
  --source-url <url>     where to learn more about the key
  --json                 print the API's JSON answer instead of a summary
  -h, --help             show this help`,

  async run(argv, ctx) {
    const { values, positionals } = parseCommand(argv, options, ['armored-public-key-file']);
    const file = positionals[0]!;
    const namespace = required(values, 'namespace');
    const armor = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw new UsageError(`cannot read ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
    });
    // Checked here so a secret key never leaves this machine, and a binary export gets a useful hint.
    if (armor.includes('PRIVATE KEY BLOCK')) {
      throw new CliError(`${file} holds a private key; export the public key only: gpg --armor --export <key-id>`);
    }
    if (!armor.includes('-----BEGIN PGP PUBLIC KEY BLOCK-----')) {
      throw new CliError(`${file} is not an ASCII-armored public key; export it with: gpg --armor --export <key-id>`);
    }

    const body = { asciiArmor: armor, source: values.source, sourceUrl: values['source-url'] };
    const key = await ctx.api({ auth: true }).json<GpgKey>('POST', `/api/v1/namespaces/${encodeURIComponent(namespace)}/gpg-keys`, body);
    if (values.json) return ctx.io.out(JSON.stringify(key, null, 2));
    ctx.io.out(`Added key ${key.keyId} to namespace ${key.namespace}\n  fingerprint  ${key.fingerprint}`);
  },
};
