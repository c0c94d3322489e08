import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { findOrgById, type OrgRow } from '../../core/db/repos/organizations';
import { claimApply, findRun, updateRun, type RunRow } from '../../core/db/repos/runs';
import { findWorkspaceById, type WorkspaceRow } from '../../core/db/repos/workspaces';
import type { SealedSecret } from '../../core/crypto/envelope';
import { DomainError } from '../../core/errors';
import { RunLogSink, type RunPhase } from '../../core/runs/log-sink';
import { loadPluginProgram } from '../../core/runs/pulumi/program';
import type { ChildMessage, ChildRequest } from '../../core/runs/pulumi/program-child';
import { runPulumiChild } from '../../core/runs/pulumi/run-child';
import type { RunRuntime } from '../../core/runs/runtime';
import { masker } from '../../core/runs/workdir';
import { failureOf } from '../failures';
import type { RunActivityDeps } from './run-activities';
import { runCredentialEnv } from './run-credentials';

const HEARTBEAT_MS = 3000;
const passphraseContext = (workspaceId: string) => `stack-passphrase:${workspaceId}`;

interface Loaded {
  run: RunRow;
  ws: WorkspaceRow;
  org: OrgRow;
  version: { blob_key: string; entry: string; version: string; plugin: string };
}

/**
 * The steps of a Pulumi plugin deployment's run, through the Automation API with the plugin's program as an inline
 * program: `previewPulumi` (logs streamed, change summary stored) and `upPulumi` (claimed once, like a Terraform
 * apply). Stack state lives in a DIY backend inside Strata's store; each stack's secrets passphrase is generated
 * once and sealed. The CLI runs under setpriv so it dies with its worker.
 */
export function createPulumiActivities(deps: RunActivityDeps) {
  const runtime = (): RunRuntime => {
    if (!deps.runs) throw ApplicationFailure.nonRetryable('this worker was started without the run runtime', 'RunsUnavailable');
    return deps.runs;
  };

  const load = async (runId: string): Promise<Loaded> => {
    const run = await findRun(deps.db, runId);
    const ws = run && (await findWorkspaceById(deps.db, run.workspace_id));
    const org = ws && (await findOrgById(deps.db, ws.org_id));
    if (!run || !ws || !org || !ws.plugin_version_id) throw ApplicationFailure.nonRetryable(`run ${runId} is not a plugin deployment's`, 'NotFound');
    const version = (await deps.db('pulumi_plugin_versions as v')
      .join('pulumi_plugins as p', 'p.id', 'v.plugin_id')
      .where('v.id', ws.plugin_version_id)
      .first('v.blob_key', 'v.entry', 'v.version', 'p.name as plugin')) as Loaded['version'] | undefined;
    if (!version) throw ApplicationFailure.nonRetryable('the plugin version of this deployment is gone', 'NotFound');
    return { run, ws, org, version };
  };

  /** The stack's passphrase: made and sealed on first use (one conditional write, so two racing runs agree). */
  const passphraseOf = async (rt: RunRuntime, ws: WorkspaceRow & { stack_passphrase?: SealedSecret | null }): Promise<string> => {
    if (!ws.stack_passphrase) {
      const fresh = rt.secrets.seal(randomBytes(32).toString('base64url'), passphraseContext(ws.id));
      await deps.db('workspaces').where({ id: ws.id }).whereNull('stack_passphrase').update({ stack_passphrase: JSON.stringify(fresh) });
    }
    const row = (await deps.db('workspaces').where({ id: ws.id }).first('stack_passphrase')) as { stack_passphrase: SealedSecret };
    return rt.secrets.open(row.stack_passphrase, passphraseContext(ws.id));
  };

  /** A `pulumi` that exec's the real CLI bound to this process (setpriv --pdeathsig), for the Automation API. */
  const boundCli = async (rt: RunRuntime, dir: string): Promise<string> => {
    await mkdir(join(dir, 'bin'), { recursive: true });
    const script = join(dir, 'bin', 'pulumi');
    await writeFile(script, `#!/bin/sh\nexec setpriv --pdeathsig KILL -- ${JSON.stringify(rt.engines.pulumi)} "$@"\n`);
    await chmod(script, 0o755);
    return dir;
  };

  /** Runs one Pulumi operation on the run's stack in a child process, its output streamed to the run's log. */
  const withStack = async <T>(runId: string, phase: RunPhase, op: (l: Loaded) => ChildRequest['op'], use: (result: Extract<ChildMessage, { type: 'result' }>, l: Loaded) => Promise<T>): Promise<T> => {
    const rt = runtime();
    const l = await load(runId);
    const activity = Context.current();
    const beat = setInterval(() => activity.heartbeat({ phase }), HEARTBEAT_MS);
    await mkdir(rt.workRoot, { recursive: true });
    const scratch = await mkdtemp(join(rt.workRoot, `pulumi-${runId}-`));
    let sink: RunLogSink | null = null;
    try {
      const passphrase = await passphraseOf(rt, l.ws);
      const credentials = deps.credentials ?? deps.vcs;
      const cloudEnv = credentials
        ? await runCredentialEnv({ db: deps.db, credentials, runs: rt }, { runId, phase, orgName: l.org.name, workspaceName: l.ws.name, workspaceId: l.ws.id })
        : {};
      const mask = masker([passphrase, ...Object.values(cloudEnv), ...Object.values(rt.pulumiBackend.env)]);
      sink = await RunLogSink.open(deps.db, runId, phase, mask);
      const out = sink;
      out.write(`Strata: ${phase === 'plan' ? 'preview' : 'update'} of plugin ${l.version.plugin} ${l.version.version}, stack ${l.ws.name}`);
      const backend = rt.pulumiBackend.url(l.ws.id);
      if (backend.startsWith('file://')) await mkdir(backend.slice('file://'.length), { recursive: true });
      const program = await loadPluginProgram({ storage: deps.storage, limits: deps.limits, workRoot: scratch, blobKey: l.version.blob_key, entry: l.version.entry });
      try {
        const result = await runPulumiChild(
          {
            op: op(l),
            entry: program.entry,
            inputs: l.ws.inputs ?? {},
            stackName: l.ws.name,
            projectName: `strata-${l.org.name}`,
            backendUrl: backend,
            cliRoot: await boundCli(rt, join(scratch, 'cli')),
            pulumiHome: join(scratch, 'home'),
            envVars: {
              PULUMI_CONFIG_PASSPHRASE: passphrase,
              PULUMI_SKIP_UPDATE_CHECK: 'true',
              PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: 'true',
              PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: 'true',
              PATH: `${dirname(rt.engines.pulumi)}:${rt.enginePath}`,
              ...rt.pulumiBackend.env,
              ...cloudEnv,
            },
          },
          {
            enginePath: `${dirname(rt.engines.pulumi)}:${rt.enginePath}`,
            signal: activity.cancellationSignal,
            onOutput: (chunk) => {
              for (const line of chunk.split('\n')) if (line.trim()) out.write(line);
            },
          },
        );
        return await use(result, l);
      } finally {
        await program.cleanup();
      }
    } catch (err) {
      sink?.write(`Error: ${err instanceof Error ? err.message : String(err)}`);
      if (err instanceof DomainError) throw failureOf(err);
      if (err instanceof ApplicationFailure) throw err;
      // Pulumi's own failures (a program error, a refused update) are the deployment's, not transient.
      throw ApplicationFailure.nonRetryable(err instanceof Error ? err.message.split('\n').slice(0, 20).join('\n') : String(err), 'PulumiFailed');
    } finally {
      clearInterval(beat);
      await sink?.flush();
      await rm(scratch, { recursive: true, force: true });
    }
  };

  return {
    /** Preview of the run's operation; stores the change summary. Idempotent (a stored preview is reused). */
    async previewPulumi(input: { runId: string }): Promise<{ hasChanges: boolean; summary: { add: number; change: number; destroy: number } }> {
      const existing = await findRun(deps.db, input.runId);
      if (existing?.plan && existing.has_changes !== null) return { hasChanges: existing.has_changes, summary: existing.plan };
      return withStack(
        input.runId,
        'plan',
        ({ run }) => (run.operation === 'destroy' ? 'previewDestroy' : run.refresh_only ? 'previewRefresh' : 'preview'),
        async (result, { run }) => {
          const c = result.changeSummary ?? {};
          const summary = { add: (c.create ?? 0) + (c.replace ?? 0), change: c.update ?? 0, destroy: (c.delete ?? 0) + (c.replace ?? 0) };
          const hasChanges = summary.add + summary.change + summary.destroy > 0;
          await updateRun(deps.db, run.id, { plan: summary, has_changes: hasChanges, resource_changes: [] });
          return { hasChanges, summary };
        },
      );
    },

    /** `up` (or destroy / refresh), claimed once: a second attempt fails with `ApplyInterrupted` and runs nothing. */
    async upPulumi(input: { runId: string }): Promise<{ outputs: number }> {
      if (!(await claimApply(deps.db, input.runId))) {
        // The lost worker's CLI died with it (setpriv), so its lock on the stack is stale: release it where Strata can.
        const released = await releaseStaleStackLock(runtime(), await load(input.runId));
        throw ApplicationFailure.nonRetryable(
          `the update was interrupted (its worker was lost) and is never repeated; ${
            released ? "the lost update's stack lock was released" : "the stack may still carry the lost update's lock: run `pulumi cancel` against it"
          }; run a refresh before the next update`,
          'ApplyInterrupted',
        );
      }
      return withStack(
        input.runId,
        'apply',
        ({ run }) => (run.operation === 'destroy' ? 'destroy' : run.refresh_only ? 'refresh' : 'up'),
        async (result, { run }) => {
          const outputs = result.outputs ?? {};
          const recorded = Object.fromEntries(Object.entries(outputs).map(([k, o]) => [k, { value: o.secret ? null : o.value, sensitive: o.secret }]));
          await updateRun(deps.db, run.id, { outputs: recorded });
          return { outputs: Object.keys(recorded).length };
        },
      );
    },
  };
}

/** Removes a stack's lock files in a file:// backend (Pulumi's DIY layout); false where Strata cannot (object stores). */
async function releaseStaleStackLock(rt: RunRuntime, l: Loaded): Promise<boolean> {
  const url = rt.pulumiBackend.url(l.ws.id);
  if (!url.startsWith('file://')) return false;
  const dir = join(url.slice('file://'.length), '.pulumi', 'locks', 'organization', `strata-${l.org.name}`, l.ws.name);
  await rm(dir, { recursive: true, force: true });
  return true;
}

export type PulumiActivities = ReturnType<typeof createPulumiActivities>;
