import { describe, expect, it } from 'vitest';
import { activityListQuery } from './schemas';
import { quote, visibilityQuery } from './visibility-query';

describe('activity visibility query', () => {
  it('scopes to the deployment task queue and Strata workflows, then adds each filter', () => {
    expect(visibilityQuery({ taskQueue: 'strata' })).toBe("TaskQueue = 'strata' AND StrataKind IS NOT NULL");
    expect(visibilityQuery({ taskQueue: 'strata', kind: 'module-publish', status: 'cancelled', q: 'Acme/Net' })).toBe(
      "TaskQueue = 'strata' AND StrataKind IS NOT NULL AND StrataKind = 'module-publish' AND ExecutionStatus = 'Canceled' AND " +
        "(StrataArtifact STARTS_WITH 'acme/net' OR WorkflowId STARTS_WITH 'Acme/Net' OR StrataVersion = 'Acme/Net')",
    );
  });

  it('escapes quotes in literals', () => {
    expect(quote("it's")).toBe("'it\\'s'");
  });

  it('rejects filter values that could leave a quoted literal', () => {
    expect(activityListQuery.safeParse({ q: "x' OR 1=1" }).success).toBe(false);
    expect(activityListQuery.safeParse({ kind: 'Module Publish' }).success).toBe(false);
    expect(activityListQuery.safeParse({ status: 'sleeping' }).success).toBe(false);
    expect(activityListQuery.parse({ q: ' acme/net ', status: 'failed' })).toMatchObject({ q: 'acme/net', status: 'failed', per_page: 25 });
  });
});

describe('activity page tokens', () => {
  it('round-trip for the same query and are refused for another query or when garbled', async () => {
    const { encodePageToken, decodePageToken } = await import('./list-workflows');
    const raw = Buffer.from([1, 2, 3, 250]);
    const token = encodePageToken('q1', raw);
    expect(decodePageToken('q1', token)).toEqual(raw);
    expect(decodePageToken('q2', token)).toBeNull();
    expect(decodePageToken('q1', (token[0] === 'A' ? 'B' : 'A') + token.slice(1))).toBeNull();
    expect(decodePageToken('q1', 'bm90')).toBeNull();
  });
});
