import { describe, expect, it } from 'vitest';
import { PUBLISH_LEAD_SECONDS, planSigning, planWrites, type KeyTimes } from './rotation';

const HOUR = 3600;
const settings = { keyRotationSeconds: 168 * HOUR, tokenLifetimeSeconds: HOUR };
const now = new Date('2026-12-03T12:00:00Z');
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000);
const later = (seconds: number) => new Date(now.getTime() + seconds * 1000);

/** A key made `age` seconds ago with the settings' rotation and lifetime. */
function key(kid: string, age: number, overrides: Partial<KeyTimes> = {}): KeyTimes {
  const createdAt = ago(age);
  const retireAfter = new Date(createdAt.getTime() + settings.keyRotationSeconds * 1000);
  return { kid, createdAt, retireAfter, expiresAt: new Date(retireAfter.getTime() + settings.tokenLifetimeSeconds * 1000), ...overrides };
}

describe('workload key rotation', () => {
  it('makes the first key on a fresh install and signs with it at once', () => {
    const plan = planSigning([], now, settings);
    expect(plan.create).toEqual({ createdAt: now, retireAfter: later(168 * HOUR), expiresAt: later(169 * HOUR) });
    expect(plan.signer).toBe('new');
    expect(plan.extendSignerTo).toBeNull();
    expect(plan.tokenExpiresAt).toEqual(later(HOUR));
    expect(planWrites(plan)).toBe(true);
  });

  it('signs with the current key and changes nothing while it is not due', () => {
    const plan = planSigning([key('k1', 24 * HOUR)], now, settings);
    expect(plan).toMatchObject({ create: null, signer: 'k1', extendSignerTo: null, prune: [] });
    expect(planWrites(plan)).toBe(false);
  });

  it('makes a successor once the key is due, but keeps signing with the old one until the successor has been published long enough', () => {
    const due = planSigning([key('k1', 168 * HOUR + 60)], now, settings);
    expect(due.create?.createdAt).toEqual(now);
    expect(due.signer).toBe('k1');
    // The old key signs past its planned retirement: it stays published until this token expires.
    expect(due.extendSignerTo).toEqual(later(HOUR));

    const young = key('k2', PUBLISH_LEAD_SECONDS - 1);
    const meanwhile = planSigning([young, key('k1', 168 * HOUR + 60)], now, settings);
    expect(meanwhile).toMatchObject({ create: null, signer: 'k1' });

    const published = planSigning([key('k2', PUBLISH_LEAD_SECONDS), key('k1', 168 * HOUR + 60)], now, settings);
    expect(published).toMatchObject({ create: null, signer: 'k2', extendSignerTo: null, prune: [] });
    expect(planWrites(published)).toBe(false);
  });

  it('keeps a retired key (it is not pruned) until the last token it signed has expired, then prunes it', () => {
    const k2 = key('k2', 2 * HOUR);
    const retiredStillValid = key('k1', 200 * HOUR, { expiresAt: later(1) });
    expect(planSigning([k2, retiredStillValid], now, settings).prune).toEqual([]);
    const expired = key('k1', 200 * HOUR, { expiresAt: now });
    const plan = planSigning([k2, expired], now, settings);
    expect(plan).toMatchObject({ signer: 'k2', prune: ['k1'], create: null });
    expect(planWrites(plan)).toBe(true);
  });

  it('never signs with an expired key, even the newest one', () => {
    const plan = planSigning([key('k1', HOUR, { expiresAt: ago(1) })], now, settings);
    expect(plan.signer).toBe('new');
    expect(plan.prune).toEqual(['k1']);
  });

  it('extends a key whose tokens would outlive it (a longer token lifetime configured since it was made)', () => {
    const k1 = key('k1', 168 * HOUR - 60); // retires in a minute, expires an hour after that
    const longer = { ...settings, tokenLifetimeSeconds: 12 * HOUR };
    expect(planSigning([k1], now, longer).extendSignerTo).toEqual(later(12 * HOUR));
  });
});
