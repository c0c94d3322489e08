import { describe, expect, it } from 'vitest';
import { parseCommand } from '../args';
import { createOptions, createWorkspaceBody } from '../commands/workspace-create';
import { runOperation } from '../commands/run-start';
import { variableUpdates } from '../commands/workspace-vars-set';
import { UsageError } from '../errors';
import { mergeVariables, parseAssignment, parseModuleSource, parseTags } from './workspace-args';

const create = (...argv: string[]) => createWorkspaceBody(parseCommand(argv, createOptions).values);

describe('workspace create arguments', () => {
  it('builds the API body from the flags, sending only what was given', () => {
    expect(create('--org', 'acme', '--name', 'app')).toEqual({ name: 'app' });
    expect(
      create('--name', 'app', '--engine', 'terraform', '--environment', 'staging', '--auto-apply', '--tag', 'team=platform', '--tag', 'owner=ops=1', '--module', 'acme/network/aws@~> 1.2'),
    ).toEqual({
      name: 'app',
      engine: 'terraform',
      environment: 'staging',
      autoApply: true,
      tags: { team: 'platform', owner: 'ops=1' },
      source: { kind: 'module', namespace: 'acme', name: 'network', system: 'aws', version: '~> 1.2' },
    });
  });

  it('refuses a wrong engine, environment, tag or module with a usage error naming the flag', () => {
    expect(() => create('--name', 'a', '--engine', 'pulumi')).toThrow(/--engine must be one of tofu, terraform/);
    expect(() => create('--name', 'a', '--environment', 'prod')).toThrow(/--environment must be one of development, staging, production/);
    expect(() => create('--name', 'a', '--tag', 'team')).toThrow(/--tag "team" is not KEY=VALUE/);
    expect(() => create('--name', 'a', '--tag', 'team=a', '--tag', 'team=b')).toThrow(/--tag team is given twice/);
    expect(() => create('--name', 'a', '--tag', 'team=')).toThrow(/--tag team needs a value/);
    expect(() => create('--name', 'a', '--module', 'acme/network')).toThrow(/not namespace\/name\/system/);
    expect(() => create('--org', 'acme')).toThrow(UsageError);
  });

  it('reads a module source with and without a constraint', () => {
    expect(parseModuleSource('acme/vpc/aws')).toEqual({ kind: 'module', namespace: 'acme', name: 'vpc', system: 'aws', version: '*' });
    expect(parseModuleSource('acme/vpc/aws@1.0.0')).toMatchObject({ version: '1.0.0' });
    expect(() => parseModuleSource('acme/vpc/aws@')).toThrow(/empty version constraint/);
    expect(() => parseModuleSource('acme//aws')).toThrow(UsageError);
  });

  it('splits KEY=VALUE at the first "="', () => {
    expect(parseAssignment('a=b=c', 'x')).toEqual({ key: 'a', value: 'b=c' });
    expect(parseAssignment('a=', 'x')).toEqual({ key: 'a', value: '' });
    expect(() => parseAssignment('=b', 'x')).toThrow(UsageError);
    expect(parseTags(undefined)).toEqual({});
  });
});

describe('run start arguments', () => {
  it('maps --plan-only and --destroy to the operation, and refuses both at once', () => {
    expect(runOperation({})).toBe('apply');
    expect(runOperation({ 'plan-only': true })).toBe('plan');
    expect(runOperation({ destroy: true })).toBe('destroy');
    expect(() => runOperation({ 'plan-only': true, destroy: true })).toThrow(/exclude each other/);
  });
});

describe('workspace vars set', () => {
  it('turns the pairs into variables of the chosen category and kind', () => {
    expect(variableUpdates(['a=1', 'b=x=y'], {})).toEqual([
      { key: 'a', category: 'terraform', value: '1', sensitive: false, hcl: false },
      { key: 'b', category: 'terraform', value: 'x=y', sensitive: false, hcl: false },
    ]);
    expect(variableUpdates(['TOKEN'], { env: true, sensitive: true }, 's3cr3t')).toEqual([{ key: 'TOKEN', category: 'env', value: 's3cr3t', sensitive: true, hcl: false }]);
    expect(variableUpdates(['list=["a"]'], { hcl: true })[0]).toMatchObject({ hcl: true });
  });

  it('refuses a bare KEY without --sensitive, two from standard input, a key twice and --hcl with --env', () => {
    expect(() => variableUpdates(['a'], {})).toThrow(/not KEY=VALUE/);
    expect(() => variableUpdates(['a', 'b'], { sensitive: true }, 'v')).toThrow(/only one KEY/);
    expect(() => variableUpdates(['a'], { sensitive: true })).toThrow(/standard input cannot be read/);
    expect(() => variableUpdates(['a=1', 'a=2'], {})).toThrow(/a is given twice/);
    expect(() => variableUpdates(['a=1'], { env: true, hcl: true })).toThrow(/--hcl/);
  });

  it('merges into the current variables: replaces same key and category, keeps the rest, sensitive ones without a value', () => {
    const current = [
      { key: 'region', category: 'terraform' as const, value: 'eu', sensitive: false, hcl: false },
      { key: 'region', category: 'env' as const, value: 'us', sensitive: false, hcl: false },
      { key: 'password', category: 'terraform' as const, value: null, sensitive: true, hcl: false },
      { key: 'tags', category: 'terraform' as const, value: '{a = 1}', sensitive: false, hcl: true },
    ];
    const merged = mergeVariables(current, [
      { key: 'region', category: 'terraform', value: 'ap', sensitive: false, hcl: false },
      { key: 'new', category: 'env', value: 'n', sensitive: false, hcl: false },
    ]);
    expect(merged).toEqual([
      { key: 'region', category: 'terraform', value: 'ap', sensitive: false, hcl: false },
      { key: 'region', category: 'env', value: 'us', sensitive: false, hcl: false },
      { key: 'password', category: 'terraform', sensitive: true, hcl: false },
      { key: 'tags', category: 'terraform', value: '{a = 1}', sensitive: false, hcl: true },
      { key: 'new', category: 'env', value: 'n', sensitive: false, hcl: false },
    ]);
    // A sensitive variable set again gets its new value.
    expect(mergeVariables(current, [{ key: 'password', category: 'terraform', value: 'p2', sensitive: true, hcl: false }])[2]).toEqual({
      key: 'password',
      category: 'terraform',
      value: 'p2',
      sensitive: true,
      hcl: false,
    });
  });
});
