import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json',
};

export interface StaticFile {
  path: string;
  size: number;
  type: string;
  mtime: Date;
}

/**
 * Resolves a URL path to a regular file inside `root`, or null: no `..` escape, no dotfiles, no directories.
 * `urlPath` is the decoded request path.
 */
export async function findStaticFile(root: string, urlPath: string): Promise<StaticFile | null> {
  if (urlPath.includes('\0')) return null;
  const segments = urlPath.split('/').filter(Boolean);
  if (segments.length === 0 || segments.some((s) => s.startsWith('.'))) return null;
  const full = resolve(root, ...segments);
  if (!full.startsWith(root.endsWith(sep) ? root : root + sep)) return null;
  try {
    const info = await stat(full);
    if (!info.isFile()) return null;
    return { path: full, size: info.size, mtime: info.mtime, type: types[extname(full).toLowerCase()] ?? 'application/octet-stream' };
  } catch {
    return null;
  }
}

export function openStaticFile(file: StaticFile) {
  return createReadStream(file.path);
}

export function indexFile(root: string): string {
  return join(root, 'index.html');
}
