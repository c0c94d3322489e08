import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { ZipFile } from 'yazl';
import type { Files } from './git-model';

/** A pax extended-header record: "<length> <key>=<value>\n", where the length counts the whole record. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = body.length + 1;
  while (String(length).length + body.length !== length) length = String(length).length + body.length;
  return `${length}${body}`;
}

/**
 * The 512-byte ustar header of a pax global extended header (typeflag `g`), as `git archive` writes first to
 * carry the commit id. tar-stream reads such headers but does not write them.
 */
function globalHeader(content: Buffer): Buffer {
  const block = Buffer.alloc(512);
  const put = (offset: number, length: number, value: string) => block.write(value, offset, length, 'ascii');
  const octal = (value: number, length: number) => value.toString(8).padStart(length - 1, '0') + '\0';
  put(0, 100, 'pax_global_header');
  put(100, 8, octal(0o666, 8));
  put(108, 8, octal(0, 8));
  put(116, 8, octal(0, 8));
  put(124, 12, octal(content.length, 12));
  put(136, 12, octal(0, 12));
  put(148, 8, '        ');
  put(156, 1, 'g');
  put(257, 6, 'ustar\0');
  put(263, 2, '00');
  let sum = 0;
  for (const byte of block) sum += byte;
  put(148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  const padding = Buffer.alloc((512 - (content.length % 512)) % 512);
  return Buffer.concat([block, content, padding]);
}

/**
 * A tar.gz the way GitHub (`git archive` behind codeload) and GitLab serve one: a pax global header carrying the
 * commit id, then every file under one top-level directory.
 */
export async function wrappedTarGz(files: Files, wrapper: string, commit: string): Promise<Buffer> {
  const tar = pack();
  const body = buffer(tar);
  tar.entry({ name: `${wrapper}/`, type: 'directory', mode: 0o775 });
  const dirs = new Set<string>();
  for (const name of Object.keys(files).sort()) {
    const parts = name.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (!dirs.has(dir)) {
        dirs.add(dir);
        tar.entry({ name: `${wrapper}/${dir}/`, type: 'directory', mode: 0o775 });
      }
    }
    tar.entry({ name: `${wrapper}/${name}`, mode: 0o664 }, files[name]!);
  }
  tar.finalize();
  return gzipSync(Buffer.concat([globalHeader(Buffer.from(paxRecord('comment', commit))), await body]));
}

/** A zip of the files at the top level, as Azure DevOps' items download of a repository root. */
export async function flatZip(files: Files): Promise<Buffer> {
  const zip = new ZipFile();
  for (const name of Object.keys(files).sort()) zip.addBuffer(Buffer.from(files[name]!), name);
  zip.end();
  return buffer(zip.outputStream as Readable);
}
