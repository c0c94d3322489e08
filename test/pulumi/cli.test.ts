import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { LocalWorkspace, PulumiCommand } from '@pulumi/pulumi/automation';
import { SemVer } from 'semver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pulumiRoot } from '../harness/cli-tools';

// The Pulumi CLI built from its Go modules (test/tools/build-pulumi.sh) drives an Automation API inline program
// offline: a DIY backend on local disk, a passphrase secrets provider, no update check, no language plugin (inline
// programs need none), and a dynamic-provider resource. (The pulumi-resource-pulumi-nodejs shim is installed next
// to the CLI as the official distribution does; with this CLI and SDK the dynamic resource works without it too.)
let root: string;
let work: string;

beforeAll(async () => {
  root = await pulumiRoot();
  work = await mkdtemp(join(tmpdir(), 'strata-pulumi-cli-'));
}, 30 * 60_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

/** A dynamic provider that makes a "resource" from its inputs, with no cloud behind it. */
const echoProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: { text: string }) {
    return { id: `echo-${inputs.text}`, outs: { text: inputs.text, length: inputs.text.length } };
  },
};

class Echo extends pulumi.dynamic.Resource {
  declare readonly length: pulumi.Output<number>;
  constructor(name: string, args: { text: pulumi.Input<string> }) {
    super(echoProvider, name, { ...args, length: undefined }, {});
  }
}

describe('the Pulumi CLI built here', () => {
  it('reports its version (set at link time, or the Automation API refuses it)', async () => {
    const cmd = await PulumiCommand.get({ root, version: new SemVer('3.274.1') });
    expect(cmd.version?.version).toBe('3.274.1');
  });

  it('previews and updates an inline program with a dynamic resource and outputs, offline, on a DIY backend', async () => {
    const pulumiHome = join(work, 'home');
    const backend = join(work, 'state');
    await mkdir(backend, { recursive: true });
    await mkdir(join(work, 'project'), { recursive: true });
    const stack = await LocalWorkspace.createOrSelectStack(
      {
        projectName: 'strata-check',
        stackName: 'dev',
        program: async () => {
          const config = new pulumi.Config();
          const echo = new Echo('greeting', { text: config.require('who') });
          return { who: config.require('who'), length: echo.length };
        },
      },
      {
        pulumiCommand: await PulumiCommand.get({ root }),
        pulumiHome,
        workDir: join(work, 'project'),
        projectSettings: { name: 'strata-check', runtime: 'nodejs', backend: { url: `file://${backend}` } },
        envVars: { PULUMI_CONFIG_PASSPHRASE: 'correct horse battery staple', PULUMI_SKIP_UPDATE_CHECK: 'true', PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: 'true' },
      },
    );
    await stack.setConfig('who', { value: 'world' });
    const logs: string[] = [];
    const preview = await stack.preview({ onOutput: (s) => logs.push(s) });
    // The stack itself and the dynamic resource.
    expect(preview.changeSummary).toMatchObject({ create: 2 });
    const up = await stack.up({ onOutput: (s) => logs.push(s) });
    expect(up.summary.result).toBe('succeeded');
    expect(up.outputs.who).toMatchObject({ value: 'world', secret: false });
    expect(up.outputs.length).toMatchObject({ value: 5 });
    // The state is in the DIY backend on disk, not in a service.
    expect(await readdir(join(backend, '.pulumi', 'stacks', 'strata-check'))).toContain('dev.json');
    const again = await stack.preview();
    expect(again.changeSummary).toMatchObject({ same: 2 });
  });
});
