import { describe, expect, it } from 'vitest';
import { ApiClient } from './api';
import { changeKind, isFinalRunStatus, planSummaryText, RunsApi, runTone, variablesForSave } from './runs-api';

describe('runs helpers', () => {
  it('keeps a stored sensitive value when no new one is typed, and sends every other value', () => {
    const saved = variablesForSave([
      { key: 'token', value: '', category: 'env', sensitive: true, hcl: false, stored: true },
      { key: 'password', value: 'new-one', category: 'terraform', sensitive: true, hcl: false, stored: true },
      { key: ' region ', value: 'eu-west-1', category: 'terraform', sensitive: false, hcl: false, stored: false },
      { key: 'empty', value: '', category: 'terraform', sensitive: false, hcl: true, stored: true },
    ]);
    expect(saved).toEqual([
      { key: 'token', category: 'env', sensitive: true, hcl: false },
      { key: 'password', value: 'new-one', category: 'terraform', sensitive: true, hcl: false },
      { key: 'region', value: 'eu-west-1', category: 'terraform', sensitive: false, hcl: false },
      { key: 'empty', value: '', category: 'terraform', sensitive: false, hcl: true },
    ]);
  });

  it('names statuses, plans and changes the way the pages show them', () => {
    expect(planSummaryText({ add: 1, change: 0, destroy: 2 })).toBe('+1 ~0 -2');
    expect(planSummaryText(null)).toBe('—');
    expect(changeKind(['delete', 'create'])).toBe('replace');
    expect(changeKind(['create'])).toBe('create');
    expect(isFinalRunStatus('applied')).toBe(true);
    expect(isFinalRunStatus('awaiting_approval')).toBe(false);
    expect(runTone('errored')).toBe('bad');
    expect(runTone('applying')).toBe('run');
  });

  it('treats a missing state backend route as "no versions" but reports other refusals', async () => {
    const answer = (status: number, code: string) => async () => new Response(JSON.stringify({ error: { code, message: code } }), { status, headers: { 'content-type': 'application/json' } });
    expect(await new RunsApi(new ApiClient({ fetch: answer(404, 'not_found') })).stateVersions('acme', 'ws')).toBeNull();
    await expect(new RunsApi(new ApiClient({ fetch: answer(404, 'workspace_not_found') })).stateVersions('acme', 'ws')).rejects.toMatchObject({ status: 404 });
  });
});
