import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a real `tofu`/`terraform` binary in `cwd` with its own CLI config, trusting the test CA through
 * SSL_CERT_FILE (as the protocols require HTTPS) and with no access to any other registry.
 *
 * `cliConfig: null` sets no TF_CLI_CONFIG_FILE, so the CLI reads its home directory as on a workstation
 * (`~/.terraform.d/credentials.tfrc.json`, which `login` writes, is read only then); `home` defaults to `cwd`.
 */
export async function runTerraformCli(input: {
  bin: string;
  args: string[];
  cwd: string;
  cliConfig: string | null;
  caFile: string | null;
  home?: string;
  timeoutMs?: number;
  /** More environment (TF_HTTP_PASSWORD for the http state backend, …). */
  env?: Record<string, string>;
}): Promise<CliRun> {
  const configFile = join(input.cwd, '.cli.tfrc');
  if (input.cliConfig !== null) await writeFile(configFile, input.cliConfig);
  try {
    const { stdout, stderr } = await promisify(execFile)(input.bin, input.args, {
      cwd: input.cwd,
      timeout: input.timeoutMs ?? 180_000,
      maxBuffer: 16 * 1024 * 1024,
      env: {
        PATH: process.env.PATH,
        HOME: input.home ?? input.cwd,
        ...(input.cliConfig !== null ? { TF_CLI_CONFIG_FILE: configFile } : {}),
        TF_IN_AUTOMATION: '1',
        TF_INPUT: '0',
        CHECKPOINT_DISABLE: '1',
        ...(input.caFile ? { SSL_CERT_FILE: input.caFile } : {}),
        ...input.env,
      },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? String(err) };
  }
}

export async function writeConfig(dir: string, files: Record<string, string>): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
}

/** Provider hashes recorded in `.terraform.lock.hcl`, per provider address. */
export async function readLockHashes(dir: string): Promise<Record<string, string[]>> {
  const text = await readFile(join(dir, '.terraform.lock.hcl'), 'utf8');
  const out: Record<string, string[]> = {};
  for (const block of text.matchAll(/provider "([^"]+)" \{([\s\S]*?)\n\}/g)) {
    const hashes = /hashes = \[([\s\S]*?)\]/.exec(block[2]!)?.[1] ?? '';
    out[block[1]!] = [...hashes.matchAll(/"([^"]+)"/g)].map((m) => m[1]!);
  }
  return out;
}
