import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import proto from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { sharedBundle } from '../harness/platform';

// Histories recorded from real runs (successful and failed publishes). Replaying them against today's workflow
// code fails on any non-deterministic change that was not guarded with patched().
const dir = join(import.meta.dirname, '..', '..', 'workflows', '__histories__');

describe('workflow replay', () => {
  it('replays every recorded history without non-determinism', async () => {
    const files = (await readdir(dir)).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(4);
    const histories = await Promise.all(
      files.map(async (f) => ({ workflowId: f, history: proto.temporal.api.history.v1.History.fromObject(JSON.parse(await readFile(join(dir, f), 'utf8'))) })),
    );
    const results = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle: await sharedBundle() }, histories)) {
      results.push(result);
    }
    expect(results.map((r) => [r.workflowId, r.error?.message ?? null])).toEqual(files.map((f) => [f, null]));
  });
});
