import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Db } from '../db/knex';
import { DomainError, InvalidArtifact } from '../errors';
import { extractArchive, type ExtractLimits } from '../registry/archive';
import { parseConfigFile } from '../registry/module-analysis/parse-config';
import type { BlobStorage } from '../storage/storage';
import { configurationKey } from './storage-keys';
import { rootModuleDir } from './workdir';

export interface ConfigurationRow {
  id: string;
  workspace_id: string;
  blob_key: string;
  sha256: string;
  size: number;
  source: string;
  created_at: Date;
}

/**
 * Checks a staged configuration archive and keeps it as a new configuration version of the workspace: it must
 * extract safely (no `..`, links, bombs: the module upload rules) and every `.tf` file of its root module must
 * parse. A refused archive leaves nothing behind: neither the staged object nor a row.
 * @throws InvalidArtifact with the archive rule or the file and line that does not parse
 */
export async function storeConfiguration(
  deps: { db: Db; storage: BlobStorage; limits: ExtractLimits },
  input: { workspaceId: string; stagedKey: string; createdBy: string | null; source?: string },
): Promise<ConfigurationRow> {
  const scratch = await mkdtemp(join(tmpdir(), 'strata-configuration-'));
  try {
    const archive = join(scratch, 'configuration.tar.gz');
    const hash = createHash('sha256');
    let size = 0;
    await pipeline(
      await deps.storage.get(input.stagedKey),
      new Transform({
        transform(chunk: Buffer, _e, cb) {
          hash.update(chunk);
          size += chunk.length;
          cb(null, chunk);
        },
      }),
      createWriteStream(archive),
    );
    const tree = join(scratch, 'tree');
    await mkdir(tree);
    await extractArchive({ file: archive, format: 'tar.gz', destDir: tree, limits: deps.limits });
    const root = await rootModuleDir(tree);
    for (const file of await readdir(root, { recursive: true })) {
      if (!/\.tf(\.json)?$/.test(file)) continue;
      try {
        await parseConfigFile(relative(root, join(root, file)), await readFile(join(root, file), 'utf8'));
      } catch (err) {
        if (err instanceof DomainError) throw new InvalidArtifact(err.message, 'configuration_invalid');
        throw err;
      }
    }
    const id = randomUUID();
    const key = configurationKey(input.workspaceId, id);
    await deps.storage.copy(input.stagedKey, key);
    const [row] = await deps.db('configuration_versions')
      .insert({ id, workspace_id: input.workspaceId, blob_key: key, sha256: hash.digest('hex'), size, source: input.source ?? 'upload', created_by: input.createdBy })
      .returning('*');
    return row as ConfigurationRow;
  } finally {
    await deps.storage.delete(input.stagedKey);
    await rm(scratch, { recursive: true, force: true });
  }
}

export async function findConfiguration(db: Db, workspaceId: string, id: string): Promise<ConfigurationRow | undefined> {
  return db<ConfigurationRow>('configuration_versions').where({ workspace_id: workspaceId, id }).first();
}

export async function latestConfiguration(db: Db, workspaceId: string): Promise<ConfigurationRow | undefined> {
  return db<ConfigurationRow>('configuration_versions').where({ workspace_id: workspaceId }).orderBy('created_at', 'desc').first();
}
