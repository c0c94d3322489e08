import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalStorage } from './storage/local';
import { sweepOnce } from './sweeper';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function age(path: string, hours: number): Promise<void> {
  const t = new Date(Date.now() - hours * 3_600_000);
  await utimes(path, t, t);
}

describe('sweepOnce', () => {
  it('removes old staged uploads (with their folders) and old worker scratch dirs, keeps recent and foreign ones', async () => {
    const root = await mkdtemp(join(tmpdir(), 'strata-sweep-store-'));
    const temp = await mkdtemp(join(tmpdir(), 'strata-sweep-tmp-'));
    dirs.push(root, temp);
    const storage = new LocalStorage(root, 'http://localhost', 'x'.repeat(32));
    await storage.put('staging/old-upload/module.tar.gz', Buffer.from('old'));
    await storage.put('staging/new-upload/module.tar.gz', Buffer.from('new'));
    await storage.put('sha256/ab/published.tar.gz', Buffer.from('published'));
    await age(join(root, 'staging/old-upload/module.tar.gz'), 48);
    await age(join(root, 'staging/old-upload'), 48);
    await age(join(root, 'sha256/ab/published.tar.gz'), 48);
    // A writer killed before renaming its temp file into place, two days ago.
    await writeFile(join(root, '.partial/killed-writer.tmp'), 'partial');
    await age(join(root, '.partial/killed-writer.tmp'), 48);
    await mkdir(join(temp, 'strata-work-vcs-old'));
    await writeFile(join(temp, 'strata-work-vcs-old/source.tar.gz'), 'x');
    await age(join(temp, 'strata-work-vcs-old'), 48);
    await mkdir(join(temp, 'strata-work-download-new'));
    await mkdir(join(temp, 'someone-elses-old'));
    await age(join(temp, 'someone-elses-old'), 48);

    expect(await sweepOnce({ storage, maxAgeHours: 24, tempDir: temp })).toEqual({ stagedObjects: 2, tempDirs: 1 });
    expect(await readdir(join(root, '.partial'))).toEqual([]);
    expect((await readdir(join(root, 'staging'))).sort()).toEqual(['new-upload']);
    expect(await storage.stat('sha256/ab/published.tar.gz')).toEqual({ size: 9 });
    expect((await readdir(temp)).sort()).toEqual(['someone-elses-old', 'strata-work-download-new']);
  });
});
