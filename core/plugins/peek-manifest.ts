import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { InvalidArtifact } from '../errors';
import type { BlobStorage } from '../storage/storage';
import { workTempPrefix } from '../sweeper';
import { MANIFEST_FILE, MAX_MANIFEST_BYTES, ManifestProblem, parseManifest, type PluginManifest } from './manifest';

function open(file: string): Promise<ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true }, (err, zip) => (err ? reject(err) : resolve(zip))),
  );
}

/** The root manifest entry of the ZIP, or null; reads the central directory only. */
function findManifest(zip: ZipFile): Promise<Entry | null> {
  return new Promise((resolve, reject) => {
    zip.on('entry', (entry: Entry) => {
      if (entry.fileName === MANIFEST_FILE || entry.fileName === `./${MANIFEST_FILE}`) resolve(entry);
      else zip.readEntry();
    });
    zip.on('end', () => resolve(null));
    zip.on('error', reject);
    zip.readEntry();
  });
}

function readEntry(zip: ZipFile, entry: Entry): Promise<string> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err) return reject(err);
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_MANIFEST_BYTES) stream.destroy(new InvalidArtifact(`${MANIFEST_FILE} is larger than ${MAX_MANIFEST_BYTES} bytes`, 'plugin_manifest_invalid'));
        else chunks.push(chunk);
      });
      stream.on('error', reject);
      stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
  });
}

/**
 * Reads `strata-plugin.json` from a staged plugin ZIP, so the API can name the publish workflow
 * (`plugin-publish:<org>/<name>/<version>`) and refuse an obviously wrong upload at once. The publish workflow
 * still validates the whole archive with every safety rule; this reads one bounded entry and writes nothing out.
 * @throws InvalidArtifact `plugin_manifest_missing`, `plugin_manifest_invalid`, `plugin_name_mismatch`,
 *   `plugin_version_invalid`, `plugin_inputs_invalid`, `archive_corrupt`
 */
export async function peekManifest(storage: BlobStorage, key: string, expectedName?: string): Promise<PluginManifest> {
  const dir = await mkdtemp(workTempPrefix('plugin-peek'));
  try {
    const file = join(dir, 'plugin.zip');
    await pipeline(await storage.get(key), createWriteStream(file));
    let zip: ZipFile;
    try {
      zip = await open(file);
    } catch (err) {
      throw new InvalidArtifact(`the archive is corrupt or truncated: ${err instanceof Error ? err.message : String(err)}`, 'archive_corrupt');
    }
    try {
      const entry = await findManifest(zip).catch((err: unknown) => {
        throw new InvalidArtifact(`the archive is corrupt or truncated: ${err instanceof Error ? err.message : String(err)}`, 'archive_corrupt');
      });
      if (!entry) throw new InvalidArtifact(`the plugin ZIP has no ${MANIFEST_FILE} at its root`, 'plugin_manifest_missing');
      const text = await readEntry(zip, entry).catch((err: unknown) => {
        if (err instanceof InvalidArtifact) throw err;
        throw new InvalidArtifact(`${MANIFEST_FILE} cannot be read: ${err instanceof Error ? err.message : String(err)}`, 'archive_corrupt');
      });
      return parseManifest(text, expectedName);
    } catch (err) {
      if (err instanceof ManifestProblem) throw new InvalidArtifact(err.message, err.code);
      throw err;
    } finally {
      zip.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
