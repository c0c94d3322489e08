import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTarGz } from '../core/registry/archive/test-archives';

/** A small, valid module (a variable, an output, a README) as tar.gz bytes; `version` makes each one distinct. */
export async function smallModuleArchive(version: string): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'strata-bench-module-'));
  try {
    const path = join(dir, 'module.tar.gz');
    await writeTarGz(path, [
      { name: 'main.tf', content: `variable "name" {\n  type = string\n}\n\noutput "greeting" {\n  value = "hello \${var.name}"\n}\n` },
      { name: 'versions.tf', content: 'terraform {\n  required_version = ">= 1.5"\n}\n' },
      { name: 'README.md', content: `# bench module\n\nVersion ${version}, published by the benchmark.\n` },
    ]);
    return await readFile(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
