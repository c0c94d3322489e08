import { describe, expect, it } from 'vitest';
import { diffStates } from './state-diff';
import { parseStateFile, type StateDocument } from './state-file';

const state = (serial: number, resources: unknown[], outputs: Record<string, unknown> = {}) => ({ version: 4, terraform_version: '1.10.6', serial, lineage: 'l-1', outputs, resources });
const bytes = (v: unknown) => Buffer.from(JSON.stringify(v));
const managed = (type: string, name: string, instances: unknown[], extra: Record<string, unknown> = {}) => ({ mode: 'managed', type, name, provider: 'p', instances, ...extra });

describe('state files', () => {
  it('reads serial, lineage and the managed resource instances (data sources not counted)', () => {
    const parsed = parseStateFile(
      bytes(state(7, [managed('terraform_data', 'a', [{ attributes: {} }, { index_key: 1, attributes: {} }]), { mode: 'data', type: 'd', name: 'x', instances: [{ attributes: {} }] }])),
    );
    expect(parsed).toMatchObject({ serial: 7, lineage: 'l-1', encrypted: false, resourceCount: 2 });
  });

  it('accepts a state OpenTofu encrypted on the client, seeing only serial and lineage', () => {
    const parsed = parseStateFile(bytes({ serial: 3, lineage: 'l-1', meta: {}, encrypted_data: 'AAAA', encryption_version: 'v0' }));
    expect(parsed).toMatchObject({ serial: 3, encrypted: true, resourceCount: 0 });
  });

  it.each([
    ['not JSON', Buffer.from('{nope')],
    ['not UTF-8', Buffer.from([0x7b, 0xff, 0x7d])],
    ['an array', bytes([])],
    ['format version 3', bytes({ version: 3, serial: 1, lineage: 'x' })],
    ['no serial', bytes({ version: 4, lineage: 'x' })],
    ['a negative serial', bytes({ version: 4, serial: -1, lineage: 'x' })],
    ['no lineage', bytes({ version: 4, serial: 1 })],
  ])('refuses %s', (_, body) => {
    expect(() => parseStateFile(body)).toThrow(expect.objectContaining({ code: 'state_invalid' }));
  });
});

describe('state diffs', () => {
  it('lists added, removed and changed addresses with attribute paths, and never a value', () => {
    const before = state(1, [
      managed('aws_db', 'main', [{ attributes: { password: 'hunter2-old', tags: { env: 'dev', team: 'a' }, ports: [1, 2] } }]),
      managed('terraform_data', 'gone', [{ attributes: { input: 'x' } }]),
      managed('terraform_data', 'same', [{ attributes: { input: 'y' } }], { module: 'module.net' }),
    ], { url: { value: 'a' }, old: { value: 1 } });
    const after = state(2, [
      managed('aws_db', 'main', [{ attributes: { password: 'hunter2-new', tags: { env: 'prod', team: 'a' }, ports: [1, 2, 3] } }]),
      managed('terraform_data', 'same', [{ attributes: { input: 'y' } }], { module: 'module.net' }),
      managed('terraform_data', 'each', [{ index_key: 'a b', attributes: {} }, { index_key: 0, attributes: {} }]),
    ], { url: { value: 'b' }, fresh: { value: 2 } });
    const diff = diffStates(before as StateDocument, after as StateDocument);
    expect(diff).toEqual({
      added: ['terraform_data.each["a b"]', 'terraform_data.each[0]'],
      removed: ['terraform_data.gone'],
      changed: [{ address: 'aws_db.main', attributes: ['password', 'ports[2]', 'tags.env'] }],
      outputs: { added: ['fresh'], removed: ['old'], changed: ['url'] },
    });
    expect(JSON.stringify(diff)).not.toMatch(/hunter2|prod|dev/);
  });
});
