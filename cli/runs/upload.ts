import { stat } from 'node:fs/promises';
import type { ApiClient } from '../api-client';
import { UsageError } from '../errors';
import { packConfiguration } from '../pack/configuration-archive';

export interface Uploaded {
  id: string;
  sha256: string;
  size: number;
  files: number;
}

/** Packs `dir` and uploads it as a configuration version of the workspace at `path` (`…/workspaces/{ws}`). */
export async function uploadConfiguration(api: ApiClient, path: string, dir: string): Promise<Uploaded> {
  const info = await stat(dir).catch(() => null);
  if (!info?.isDirectory()) throw new UsageError(`${dir} is not a directory`);
  const { entries, archive } = await packConfiguration(dir);
  const created = await api.request<{ id: string; sha256: string; size: number }>('POST', `${path}/configurations`, {
    body: archive,
    headers: { 'content-type': 'application/gzip' },
  });
  return { ...created, files: entries.filter((e) => e.type === 'file').length };
}
