import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import semver from 'semver';
import type { Db } from '../db/knex';
import { findModuleVersion, listModuleVersionStrings } from '../db/repos/modules';
import type { OrgRow } from '../db/repos/organizations';
import type { RunRow } from '../db/repos/runs';
import { listVariables, type WorkspaceRow } from '../db/repos/workspaces';
import { Invalid } from '../errors';
import { extractArchive, type ExtractLimits } from '../registry/archive';
import type { BlobStorage } from '../storage/storage';
import type { RunRuntime } from './runtime';
import { configurationKey } from './storage-keys';
import { variableContext } from './variables';

export interface PreparedWorkdir {
  /** Where the engine runs (the root module). */
  dir: string;
  env: Record<string, string>;
  /** Replaces every sensitive value in a line of output with `***`. */
  mask: (line: string) => string;
  cleanup(): Promise<void>;
}

export interface WorkdirInput {
  db: Db;
  storage: BlobStorage;
  limits: ExtractLimits;
  runtime: RunRuntime;
  run: RunRow;
  ws: WorkspaceRow;
  org: OrgRow;
  /** The phase's short-lived token (registry reads, its workspace's state). */
  token: string;
  /** Extra environment from cloud credentials. Values are treated as sensitive. */
  credentialEnv?: Record<string, string>;
}

/**
 * A fresh working directory for one phase of a run: the configuration (an uploaded version or a registry module
 * version), Strata as the state backend and the only registry, the workspace's variables, and an environment with
 * nothing of the worker's own but PATH.
 */
export async function prepareWorkdir(input: WorkdirInput): Promise<PreparedWorkdir> {
  const { runtime, run, ws, org } = input;
  await mkdir(runtime.workRoot, { recursive: true });
  const root = await mkdtemp(join(runtime.workRoot, `run-${run.id}-`));
  const cleanup = () => rm(root, { recursive: true, force: true });
  try {
    const src = join(root, 'src');
    await mkdir(src);
    await fetchConfiguration(input, root, src);
    const dir = await rootModuleDir(src);
    const host = new URL(runtime.publicUrl).host;
    const secrets: string[] = [input.token];
    await writeFile(
      join(dir, '_strata_backend_override.tf'),
      [
        'terraform {',
        '  backend "http" {',
        `    address = ${hclString(`${runtime.publicUrl}/api/v1/orgs/${org.name}/workspaces/${ws.name}/state`)}`,
        '    username = "strata-run"',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
    const cliConfig = join(root, 'cli.tfrc');
    const mirrored = ['registry.terraform.io/*/*', 'registry.opentofu.org/*/*'];
    await writeFile(
      cliConfig,
      [
        `credentials ${hclString(host)} {`,
        `  token = ${hclString(input.token)}`,
        '}',
        'provider_installation {',
        '  network_mirror {',
        `    url = ${hclString(`${runtime.publicUrl}/v1/mirror/`)}`,
        `    include = ${JSON.stringify(mirrored)}`,
        '  }',
        '  direct {',
        `    exclude = ${JSON.stringify(mirrored)}`,
        '  }',
        '}',
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    const env: Record<string, string> = {
      PATH: runtime.enginePath,
      HOME: root,
      TF_IN_AUTOMATION: '1',
      TF_INPUT: '0',
      TF_CLI_CONFIG_FILE: cliConfig,
      TF_HTTP_PASSWORD: input.token,
      TF_PLUGIN_CACHE_DIR: runtime.pluginCacheDir,
      CHECKPOINT_DISABLE: '1',
    };
    await mkdir(runtime.pluginCacheDir, { recursive: true });
    if (runtime.caFile) env.SSL_CERT_FILE = runtime.caFile;
    const plainVars: Record<string, string> = {};
    const hclVars: string[] = [];
    for (const v of await listVariables(input.db, ws.id)) {
      const value = v.sensitive && v.sealed ? runtime.secrets.open(v.sealed, variableContext(ws.id, v.category, v.key)) : (v.value ?? '');
      if (v.sensitive) secrets.push(value);
      if (v.category === 'env') env[v.key] = value;
      else if (v.hcl) hclVars.push(`${v.key} = ${value}`);
      else plainVars[v.key] = value;
    }
    for (const [k, v] of Object.entries(input.credentialEnv ?? {})) {
      env[k] = v;
      secrets.push(v);
    }
    await writeFile(join(dir, '_strata.auto.tfvars.json'), JSON.stringify(plainVars), { mode: 0o600 });
    if (hclVars.length) await writeFile(join(dir, '_strata_hcl.auto.tfvars'), `${hclVars.join('\n')}\n`, { mode: 0o600 });
    return { dir, env, mask: masker(secrets), cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

async function fetchConfiguration(input: WorkdirInput, root: string, dest: string): Promise<void> {
  const { run, ws, db, storage, limits } = input;
  let key: string;
  if (run.configuration_id) {
    key = configurationKey(ws.id, run.configuration_id);
  } else if (ws.source.kind === 'module') {
    const a = { namespace: ws.source.namespace, name: ws.source.name, system: ws.source.system };
    const versions = (await listModuleVersionStrings(db, a)) ?? [];
    const version = semver.maxSatisfying(versions, ws.source.version);
    if (!version) throw new Invalid(`no version of module ${a.namespace}/${a.name}/${a.system} matches ${ws.source.version}`, 'module_version_not_found');
    const row = await findModuleVersion(db, a, version);
    if (!row) throw new Invalid(`module version ${version} disappeared`, 'module_version_not_found');
    key = row.blob_key;
  } else {
    throw new Invalid('this run has no configuration: upload one to the workspace or give it a module source', 'configuration_missing');
  }
  const archive = join(root, 'configuration.tar.gz');
  await pipeline(await storage.get(key), createWriteStream(archive));
  await extractArchive({ file: archive, format: 'tar.gz', destDir: dest, limits });
  await rm(archive, { force: true });
}

/** The directory holding the `.tf` files: the archive's root, or its single wrapper directory. */
export async function rootModuleDir(src: string): Promise<string> {
  const entries = await readdir(src, { withFileTypes: true });
  if (entries.some((e) => e.isFile() && /\.tf(\.json)?$/.test(e.name))) return src;
  const dirs = entries.filter((e) => e.isDirectory());
  if (dirs.length === 1 && entries.length === 1) return rootModuleDir(join(src, dirs[0]!.name));
  throw new Invalid('the configuration has no .tf files at its root', 'configuration_empty');
}

/** A quoted HCL string: JSON escapes, with template sequences escaped so nothing is interpolated. */
export function hclString(s: string): string {
  return JSON.stringify(s).replace(/\$\{/g, '$${').replace(/%\{/g, '%%{');
}

/** Masks sensitive values (of 3 characters or more: shorter ones would mask ordinary words). */
export function masker(secrets: string[]): (line: string) => string {
  const values = [...new Set(secrets.filter((s) => s.length >= 3))].sort((a, b) => b.length - a.length);
  if (!values.length) return (l) => l;
  return (line) => {
    let out = line;
    for (const v of values) if (out.includes(v)) out = out.split(v).join('***');
    return out;
  };
}
