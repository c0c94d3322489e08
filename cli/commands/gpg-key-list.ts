import { parseCommand, required } from '../args';
import type { GpgKeyList } from '../../api/routes/gpg-keys/shapes';
import { table, type Command } from '../command';


const options = {
  namespace: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export const gpgKeyList: Command = {
  group: 'gpg-key',
  action: 'list',
  summary: "list a namespace's signing keys",
  help: `Usage: strata gpg-key list --namespace <ns> [--json]

Lists the public keys that provider releases of <ns> may be signed with.

Options:
  --namespace <ns>       namespace to list
  --json                 print the API's JSON answer instead of a table
  -h, --help             show this help`,

  async run(argv, ctx) {
    const { values } = parseCommand(argv, options);
    const namespace = required(values, 'namespace');
    const result = await ctx
      .api({ auth: false })
      .json<GpgKeyList>('GET', `/api/v1/namespaces/${encodeURIComponent(namespace)}/gpg-keys`);
    if (values.json) return ctx.io.out(JSON.stringify(result, null, 2));
    if (result.items.length === 0) return ctx.io.err(`namespace ${namespace} has no signing keys yet (add one with strata gpg-key add)`);
    const rows = result.items.map((k) => [k.keyId, k.fingerprint, k.source ?? '', k.createdAt, k.revokedAt ? `revoked ${k.revokedAt}` : 'active']);
    ctx.io.out(table(['KEY ID', 'FINGERPRINT', 'SOURCE', 'ADDED', 'STATUS'], rows));
  },
};
