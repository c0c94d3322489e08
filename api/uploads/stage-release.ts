import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import type { Context } from 'koa';
import { Invalid, InvalidArtifact, UnsupportedMediaType } from '../../core/errors';
import { classifyReleaseFile } from '../../core/registry/provider';
import { isPlatformPart } from '../../core/registry/names';
import { stagingKey, type BlobStorage } from '../../core/storage/storage';
import type { StagedFile, StagedZip } from '../../workflows/types';
import { bodyStream, parseJson } from '../body';

export interface StagedRelease {
  shasums: StagedFile;
  signature: StagedFile;
  zips: StagedZip[];
  protocols: string[];
  keys: string[];
}

const PROTOCOL = /^[56]\.\d+$/;

/**
 * Streams a multipart provider release into staging. Files are recognised by their names (whatever the field
 * names): SHA256SUMS, its .sig, one zip per platform, and optionally the goreleaser registry manifest, whose
 * `metadata.protocol_versions` sets the protocols unless a `protocols` field does. The whole request is capped.
 * On any failure every staged object is removed.
 */
export async function stageProviderRelease(
  ctx: Context,
  storage: BlobStorage,
  input: { type: string; version: string; maxBytes: number },
): Promise<StagedRelease> {
  if (!ctx.is('multipart/form-data')) throw new UnsupportedMediaType('send the release files as multipart/form-data');
  const uploadId = randomUUID();
  const staged: StagedRelease = { shasums: null!, signature: null!, zips: [], protocols: [], keys: [] };
  let protocolsField: string[] | null = null;
  let manifestProtocols: string[] | null = null;
  const writes: Promise<unknown>[] = [];
  const manifestName = `terraform-provider-${input.type}_${input.version}_manifest.json`;
  const seen = new Set<string>();

  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: ctx.req.headers, limits: { files: 64, fields: 16, fieldSize: 4096, parts: 80 } });
  } catch (err) {
    throw new Invalid(`the multipart request is malformed: ${(err as Error).message}`, 'invalid_multipart');
  }
  const total = bodyStream(ctx, { maxBytes: input.maxBytes, what: 'the upload' });
  const done = new Promise<void>((resolve, reject) => {
    parser.on('field', (name, value) => {
      if (name === 'protocols') protocolsField = value.split(/[,\s]+/).filter(Boolean);
    });
    parser.on('file', (_field, file: Readable, info) => {
      const filename = info.filename ?? '';
      const write = (async () => {
        if (seen.has(filename)) throw new Invalid(`${filename} was sent twice`, 'duplicate_file');
        seen.add(filename);
        if (filename === manifestName) {
          manifestProtocols = await readManifest(file);
          return;
        }
        const kind = classifyReleaseFile({ type: input.type, version: input.version, filename });
        if (!kind) {
          file.resume();
          throw new Invalid(
            `${JSON.stringify(filename)} is not a release file of ${input.type} ${input.version}: expected terraform-provider-${input.type}_${input.version}_SHA256SUMS, its .sig and terraform-provider-${input.type}_${input.version}_<os>_<arch>.zip`,
            'unexpected_file',
          );
        }
        const key = stagingKey(uploadId, filename);
        staged.keys.push(key);
        await storage.put(key, file);
        if (kind.kind === 'shasums') staged.shasums = { key, filename };
        else if (kind.kind === 'signature') staged.signature = { key, filename };
        else {
          if (!isPlatformPart(kind.os) || !isPlatformPart(kind.arch)) throw new Invalid(`${filename} names an invalid platform`, 'invalid_platform');
          staged.zips.push({ key, filename, os: kind.os, arch: kind.arch });
        }
      })();
      write.catch(() => file.resume());
      writes.push(write);
    });
    parser.on('close', resolve);
    parser.on('error', (err: Error) => reject(new Invalid(`the multipart body is malformed: ${err.message}`, 'invalid_multipart')));
    // The body failed (too large, client gone or idle): stop the parser, which fails the file being written,
    // so no storage write is left waiting for bytes that will never come.
    total.on('error', (err) => {
      reject(err);
      parser.destroy(err);
    });
  });

  try {
    total.pipe(parser);
    await done;
    await Promise.all(writes);
    if (!staged.shasums) throw new InvalidArtifact(`terraform-provider-${input.type}_${input.version}_SHA256SUMS is missing`, 'shasums_missing');
    if (!staged.signature) throw new InvalidArtifact(`${staged.shasums.filename}.sig is missing: releases must be signed`, 'signature_missing');
    if (staged.zips.length === 0) throw new InvalidArtifact('no platform zip was uploaded', 'packages_missing');
    const protocols = protocolsField ?? manifestProtocols ?? ['5.0'];
    if (protocols.length === 0 || !protocols.every((p) => PROTOCOL.test(p))) {
      throw new Invalid(`protocols must be plugin protocol versions like 5.0 or 6.0, got ${JSON.stringify(protocols)}`, 'invalid_protocols');
    }
    staged.protocols = protocols;
    return staged;
  } catch (err) {
    total.destroy();
    parser.destroy();
    await Promise.allSettled(writes);
    await Promise.all(staged.keys.map((k) => storage.delete(k)));
    throw err;
  }
}

async function readManifest(file: Readable): Promise<string[]> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of file) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) throw new Invalid('the registry manifest is larger than 64 KiB', 'invalid_manifest');
    chunks.push(chunk as Buffer);
  }
  try {
    const parsed = parseJson(Buffer.concat(chunks)) as { metadata?: { protocol_versions?: unknown } };
    const versions = parsed.metadata?.protocol_versions;
    if (!Array.isArray(versions)) throw new Error('no protocol_versions');
    return versions.map(String);
  } catch {
    throw new Invalid('the registry manifest is not valid JSON with metadata.protocol_versions', 'invalid_manifest');
  }
}
