import { parseCommand } from '../args';
import type { Command } from '../command';
import { UsageError } from '../errors';
import { finishRun, followRun } from '../runs/follow';
import { workspaceOf } from '../runs/paths';
import { uploadConfiguration } from '../runs/upload';

const options = {
  org: { type: 'string' },
  workspace: { type: 'string' },
  dir: { type: 'string' },
  'plan-only': { type: 'boolean' },
  destroy: { type: 'boolean' },
  follow: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

/** The run operation a `run start` command line asks for. */
export function runOperation(values: { 'plan-only'?: boolean; destroy?: boolean }): 'plan' | 'apply' | 'destroy' {
  if (values['plan-only'] && values.destroy) throw new UsageError('--plan-only and --destroy exclude each other');
  if (values['plan-only']) return 'plan';
  return values.destroy ? 'destroy' : 'apply';
}

export const runStart: Command = {
  group: 'run',
  action: 'start',
  summary: 'start a run on a workspace (uploading a directory first)',
  help: `Usage: strata run start --org <org> --workspace <ws> [--dir <dir>] [--plan-only | --destroy] [--follow] [--json]

Queues a run: plan, then (unless --plan-only) apply once approved, or at once when the workspace auto-applies.
With --dir the directory is uploaded first (as strata workspace upload does) and the run uses it; without it the
run uses the workspace's newest configuration, or its module source.

With --follow the plan and apply logs are printed as they are written, then the run's summary. The exit code is
then 1 when the run ends errored, canceled or discarded. Without --follow the run id is printed.

Options:
  --org <org>            the organisation
  --workspace <ws>       the workspace
  --dir <dir>            upload this directory as the run's configuration
  --plan-only            a speculative plan that is never applied
  --destroy              plan and apply destroying everything the workspace manages
  --follow               print the logs until the run ends
  --json                 print the API's JSON answer (not with --follow)
  -h, --help             show this help`,

  async run(argv, ctx) {
    const { values } = parseCommand(argv, options);
    const { org, ws, path } = workspaceOf(values);
    const operation = runOperation(values);
    if (values.json && values.follow) throw new UsageError('--json and --follow exclude each other');
    const api = ctx.api({ auth: true });
    let configurationId: string | undefined;
    if (values.dir !== undefined) {
      const uploaded = await uploadConfiguration(api, path, values.dir);
      configurationId = uploaded.id;
      ctx.io.err(`Uploaded ${uploaded.files} file${uploaded.files === 1 ? '' : 's'} as configuration ${uploaded.id}`);
    }
    const accepted = await api.json<{ id: string; workflowId: string; statusUrl: string }>(
      'POST',
      `${path}/runs`,
      { operation, ...(configurationId ? { configurationId } : {}) },
      { 'x-strata-client': 'cli' },
    );
    if (values.json) return ctx.io.out(JSON.stringify(accepted, null, 2));
    if (!values.follow) {
      ctx.io.err(`Queued ${operation} run on ${org}/${ws}: follow it with strata run logs ${accepted.id} --follow`);
      ctx.io.out(accepted.id);
      return;
    }
    ctx.io.err(`Queued ${operation} run ${accepted.id} on ${org}/${ws} (workflow ${accepted.workflowId})`);
    await followRun(api, ctx.io, accepted.id);
    await finishRun(api, ctx.io, accepted.id);
  },
};
