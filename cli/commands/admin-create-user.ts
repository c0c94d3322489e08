import { randomBytes } from 'node:crypto';
import type { CreatedUser } from '../../api/routes/auth/shapes';
import type { Organization } from '../../api/routes/orgs/shapes';
import type { ApiClient } from '../api-client';
import { parseCommand, required } from '../args';
import type { Command } from '../command';
import { ApiError, UsageError } from '../errors';

const ROLES = ['reader', 'publisher', 'admin', 'owner'];

const options = {
  email: { type: 'string' },
  name: { type: 'string' },
  'password-stdin': { type: 'boolean' },
  'platform-admin': { type: 'boolean' },
  org: { type: 'string' },
  role: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** The organisation, created (by the caller, with no members when the caller is a service token) if it is new. */
async function ensureOrg(api: ApiClient, name: string): Promise<{ org: Organization; created: boolean }> {
  try {
    return { org: await api.json<Organization>('GET', `/api/v1/orgs/${encodeURIComponent(name)}`), created: false };
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 404)) throw err;
  }
  return { org: await api.json<Organization>('POST', '/api/v1/orgs', { name }), created: true };
}

export const adminCreateUser: Command = {
  group: 'admin',
  action: 'create-user',
  summary: 'create a user (the first owner, with the bootstrap token)',
  help: `Usage: strata admin create-user --email <email> --name <name> [--password-stdin] [--platform-admin]
                               [--org <org> [--role <role>]] [--json]

Creates a user who signs in with email and password; needs a platform admin's token (the bootstrap token on a
new installation). With --org the user joins that organisation (created if it does not exist) with --role
(owner by default). Without --password-stdin a strong password is generated and printed on stdout, alone.

  printf '%s' "$PASSWORD" | strata admin create-user --email ops@example.com --name Ops --password-stdin --org acme

Options:
  --email <email>        the user's email address (they sign in with it)
  --name <name>          the user's display name
  --password-stdin       read the password from standard input (a trailing newline is dropped)
  --platform-admin       make the user a platform admin (all organisations, users)
  --org <org>            add the user to this organisation
  --role <role>          reader, publisher, admin or owner (default owner; needs --org)
  --json                 print the created user, organisation and role as JSON
  -h, --help             show this help`,

  async run(argv, ctx) {
    const { values } = parseCommand(argv, options);
    const email = required(values, 'email');
    const name = required(values, 'name');
    const org = values.org?.trim() || undefined;
    if (values.role !== undefined && !org) throw new UsageError('--role needs --org');
    const role = values.role?.trim() ?? 'owner';
    if (!ROLES.includes(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
    let password: string;
    let generated = false;
    if (values['password-stdin']) {
      if (!ctx.io.readStdin) throw new UsageError('--password-stdin: standard input cannot be read here');
      password = (await ctx.io.readStdin()).replace(/\r?\n$/, '');
      if (!password) throw new UsageError('--password-stdin: standard input was empty');
    } else {
      password = randomBytes(18).toString('base64url');
      generated = true;
    }
    const api = ctx.api({ auth: true });
    const user = await api.json<CreatedUser>('POST', '/api/v1/users', { email, name, password, platformAdmin: Boolean(values['platform-admin']) });
    ctx.io.err(`Created user ${email} (id ${user.id})${values['platform-admin'] ? ', a platform admin' : ''}.`);
    let membership: { org: string; role: string; orgCreated: boolean } | null = null;
    if (org) {
      const found = await ensureOrg(api, org);
      await api.json('POST', `/api/v1/orgs/${encodeURIComponent(found.org.name)}/members`, { email, role });
      membership = { org: found.org.name, role, orgCreated: found.created };
      ctx.io.err(`${found.created ? 'Created organisation' : 'Organisation'} ${found.org.name}: ${email} is its ${role}.`);
    }
    if (values.json) {
      ctx.io.out(JSON.stringify({ id: user.id, email, membership, ...(generated ? { password } : {}) }, null, 2));
      return;
    }
    if (generated) {
      ctx.io.err('Generated password (shown once; the user can change it after signing in):');
      ctx.io.out(password);
    }
  },
};
