import { parseCommand, required } from '../args';
import type { Command } from '../command';
import { UsageError } from '../errors';
import { workspacesPath } from '../runs/paths';
import { ENGINES, ENVIRONMENTS, oneOf, parseModuleSource, parseTags } from '../runs/workspace-args';

/** The flags of `workspace create`. */
export const createOptions = {
  org: { type: 'string' },
  name: { type: 'string' },
  engine: { type: 'string' },
  'engine-version': { type: 'string' },
  environment: { type: 'string' },
  'auto-apply': { type: 'boolean' },
  tag: { type: 'string', multiple: true },
  module: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** The `POST …/workspaces` body of a `workspace create` command line. */
export function createWorkspaceBody(values: ReturnType<typeof parseCommand<typeof createOptions>>['values']): Record<string, unknown> {
  const body: Record<string, unknown> = { name: required(values, 'name') };
  if (values.engine !== undefined) body.engine = oneOf('engine', values.engine.trim(), ENGINES);
  if (values['engine-version'] !== undefined) body.engineVersion = required(values, 'engine-version');
  if (values.environment !== undefined) body.environment = oneOf('environment', values.environment.trim(), ENVIRONMENTS);
  if (values['auto-apply']) body.autoApply = true;
  if (values.tag?.length) body.tags = parseTags(values.tag);
  if (values.module !== undefined) {
    if (!values.module.trim()) throw new UsageError('--module needs namespace/name/system[@constraint]');
    body.source = parseModuleSource(values.module.trim());
  }
  return body;
}

export const workspaceCreate: Command = {
  group: 'workspace',
  action: 'create',
  summary: 'create a workspace in an organisation',
  help: `Usage: strata workspace create --org <org> --name <name> [--engine tofu|terraform] [--engine-version <v>]
                               [--environment development|staging|production] [--auto-apply]
                               [--tag key=value ...] [--module ns/name/system@constraint] [--json]

Creates a workspace. Its configuration comes from uploads (strata workspace upload, strata run start --dir)
unless --module names a module of this registry to run at a version constraint.

Options:
  --org <org>            the organisation
  --name <name>          the workspace name (letters, digits, "-" and "_")
  --engine <engine>      tofu (default) or terraform
  --engine-version <v>   the engine version to run (default: the one the server has)
  --environment <env>    development (default), staging or production: picks the approval policy
  --auto-apply           apply a plan with changes without waiting for approval (if the policy allows it)
  --tag <key=value>      a tag; repeat for more (the organisation may require some)
  --module <source>      run a registry module, e.g. acme/network/aws@~>1.2 (no "@": any version)
  --json                 print the API's JSON answer
  -h, --help             show this help`,

  async run(argv, ctx) {
    const { values } = parseCommand(argv, createOptions);
    const org = required(values, 'org');
    const body = createWorkspaceBody(values);
    const created = await ctx.api({ auth: true }).json<{ id: string; name: string }>('POST', workspacesPath(org), body);
    if (values.json) return ctx.io.out(JSON.stringify(created, null, 2));
    ctx.io.out(`Created workspace ${org}/${created.name} (id ${created.id})`);
  },
};
