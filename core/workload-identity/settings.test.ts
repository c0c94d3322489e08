import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config';

describe('workload identity settings', () => {
  it('defaults to a weekly key rotation and one-hour tokens', () => {
    expect(loadConfig({}).workloadIdentity).toEqual({ keyRotationSeconds: 168 * 3600, tokenLifetimeSeconds: 3600 });
    expect(loadConfig({ STRATA_WORKLOAD_KEY_ROTATION_HOURS: '24', STRATA_WORKLOAD_TOKEN_MINUTES: '720' }).workloadIdentity).toEqual({
      keyRotationSeconds: 24 * 3600,
      tokenLifetimeSeconds: 720 * 60,
    });
  });

  it('refuses tokens longer than twelve hours and a rotation of less than an hour', () => {
    expect(() => loadConfig({ STRATA_WORKLOAD_TOKEN_MINUTES: '721' })).toThrow(/STRATA_WORKLOAD_TOKEN_MINUTES/);
    expect(() => loadConfig({ STRATA_WORKLOAD_KEY_ROTATION_HOURS: '0' })).toThrow(/STRATA_WORKLOAD_KEY_ROTATION_HOURS/);
  });
});
