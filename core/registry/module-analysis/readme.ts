import { constants, type Dirent } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { byCodeUnits } from './declarations';

/** `README.md` first (what registries render), then a bare `README`; any letter case. */
function rank(name: string): number {
  const lower = name.toLowerCase();
  if (lower === 'readme.md') return name === 'README.md' ? 0 : 1;
  if (lower === 'readme') return name === 'README' ? 2 : 3;
  return -1;
}

/**
 * Reads a directory's README, cut to `maxBytes` on a UTF-8 character boundary. Only regular files count:
 * `entries` come from readdir, whose Dirent reports a symlink as a symlink, and O_NOFOLLOW guards the open.
 */
export async function readReadme(dir: string, entries: Dirent[], maxBytes: number): Promise<string | null> {
  const [chosen] = entries
    .filter((entry) => entry.isFile() && rank(entry.name) >= 0)
    .sort((a, b) => rank(a.name) - rank(b.name) || byCodeUnits(a.name, b.name));
  if (!chosen) return null;
  const handle = await open(join(dir, chosen.name), constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.alloc(Math.min(size, maxBytes));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    // In streaming mode the decoder holds back a multi-byte character cut in half instead of emitting U+FFFD.
    return new TextDecoder().decode(buffer.subarray(0, bytesRead), { stream: size > maxBytes });
  } finally {
    await handle.close();
  }
}
