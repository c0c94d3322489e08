import { beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../test/harness/ports';
import type { Io } from './command';
import { main } from './main';

function capture(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (text) => stdout.push(text), err: (text) => stderr.push(text) };
}

// A free port nothing listens on: a request sent there fails with "cannot reach", exit code 1.
const nowhere = { url: '', token: 'strata_x' };
beforeAll(async () => {
  nowhere.url = `http://127.0.0.1:${await freePort()}`;
});

describe('main', () => {
  it('prints help on request with exit code 0, and without a command with exit code 2', async () => {
    const asked = capture();
    expect(await main(['--help'], asked, nowhere)).toBe(0);
    expect(asked.stdout.join('\n')).toContain('module publish');

    const bare = capture();
    expect(await main([], bare, nowhere)).toBe(2);
    expect(bare.stderr.join('\n')).toContain('Usage: strata <command>');

    const command = capture();
    expect(await main(['provider', 'publish', '--help'], command, nowhere)).toBe(0);
    expect(command.stdout.join('\n')).toMatch(/^Usage: strata provider publish <dist-dir>/);

    // A command of more than one word after the group.
    const vars = capture();
    expect(await main(['workspace', 'vars', 'set', '--help'], vars, nowhere)).toBe(0);
    expect(vars.stdout.join('\n')).toMatch(/^Usage: strata workspace vars set --org <org> --workspace <ws>/);
  });

  it('rejects unknown commands, unknown flags and missing arguments with exit code 2', async () => {
    for (const argv of [
      ['modules', 'publish'],
      ['module', 'push'],
      ['token', 'list', '--verbose'],
      ['token', 'revoke'],
      ['token', 'revoke', 'a', 'b'],
      ['gpg-key', 'list'],
      ['workspace', 'vars'],
      ['workspace', 'vars', 'set', '--org', 'acme', '--workspace', 'app'],
      ['workspace', 'create', '--org', 'acme'],
      ['workspace', 'create', '--org', 'acme', '--name', 'app', '--engine', 'pulumi'],
      ['run', 'logs', 'abc', '--phase', 'init'],
      ['run', 'start', '--org', 'acme', '--workspace', 'app', '--json', '--follow'],
      ['run', 'approve'],
    ]) {
      const io = capture();
      expect(await main(argv, io, nowhere), argv.join(' ')).toBe(2);
      expect(io.stdout).toEqual([]);
    }
  });

  it('asks for STRATA_TOKEN before sending a change, and reports an unreachable server with exit code 1', async () => {
    const noToken = capture();
    expect(await main(['token', 'create', '--name', 'ci'], noToken, { url: nowhere.url, token: undefined })).toBe(2);
    expect(noToken.stderr[0]).toBe('strata: STRATA_TOKEN is not set: export an API token of the registry to make changes');

    const down = capture();
    expect(await main(['token', 'create', '--name', 'ci'], down, nowhere)).toBe(1);
    expect(down.stderr[0]).toBe(`strata: cannot reach ${nowhere.url}: connect ECONNREFUSED ${nowhere.url.slice('http://'.length)} (is STRATA_URL right?)`);
  });
});
