import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findStaticFile } from './static-files';

let root: string;
let outside: string;

beforeAll(async () => {
  outside = await mkdtemp(join(tmpdir(), 'strata-web-'));
  root = join(outside, 'dist');
  await mkdir(join(root, 'assets'), { recursive: true });
  await writeFile(join(root, 'index.html'), '<!doctype html>');
  await writeFile(join(root, 'assets', 'app.js'), 'x');
  await writeFile(join(root, '.env'), 'SECRET=1');
  await writeFile(join(outside, 'secret.txt'), 'no');
});

afterAll(() => rm(outside, { recursive: true, force: true }));

describe('static files of the dashboard', () => {
  it('finds built files with their content type', async () => {
    expect(await findStaticFile(root, '/assets/app.js')).toMatchObject({ type: 'text/javascript; charset=utf-8', size: 1 });
    expect(await findStaticFile(root, '/index.html')).toMatchObject({ type: 'text/html; charset=utf-8' });
  });

  it('never serves outside the dist directory, dotfiles, directories or missing files', async () => {
    expect(await findStaticFile(root, '/../secret.txt')).toBeNull();
    expect(await findStaticFile(root, '/assets/../../secret.txt')).toBeNull();
    expect(await findStaticFile(root, '/.env')).toBeNull();
    expect(await findStaticFile(root, '/assets')).toBeNull();
    expect(await findStaticFile(root, '/')).toBeNull();
    expect(await findStaticFile(root, '/nope.js')).toBeNull();
    expect(await findStaticFile(root, '/index.html\0')).toBeNull();
  });
});
