import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { RestartingChild } from './restarting-child';

const silent = pino({ level: 'silent' });

describe('a restarting child', () => {
  it('restarts a dying child with doubling delays, capped, and starts over after a stable run', async () => {
    const starts: number[] = [];
    // The first four children die at once; the fifth stays up longer than the stable period, then dies.
    const supervised = new RestartingChild({
      name: 'test child',
      log: silent,
      minDelayMs: 100,
      maxDelayMs: 400,
      stableMs: 500,
      spawn: () => {
        starts.push(Date.now());
        return spawn('sh', ['-c', starts.length === 5 ? 'sleep 0.7; exit 1' : 'exit 3']);
      },
    });
    supervised.start();
    while (starts.length < 6) await sleep(20);
    await supervised.stop(1_000);
    const gaps = starts.slice(1).map((t, i) => t - starts[i]!);
    // 100, 200, 400, 400 (capped), then after the stable run: the child's 700 ms life plus the reset 100 ms.
    expect(gaps[0]).toBeGreaterThanOrEqual(95);
    expect(gaps[1]).toBeGreaterThanOrEqual(195);
    expect(gaps[2]).toBeGreaterThanOrEqual(395);
    expect(gaps[3]).toBeGreaterThanOrEqual(395);
    expect(gaps[3]).toBeLessThan(600);
    expect(gaps[4]! - 700).toBeLessThan(380);
    expect(supervised.restarts).toBe(5);
  });

  it('stops for good: the child is terminated and never started again', async () => {
    let spawned = 0;
    const supervised = new RestartingChild({ name: 'test child', log: silent, minDelayMs: 50, spawn: () => (spawned++, spawn('sleep', ['30'])) });
    supervised.start();
    const pid = supervised.pid!;
    await supervised.stop(1_000);
    await sleep(200);
    expect(() => process.kill(pid, 0)).toThrow();
    expect(spawned).toBe(1);
  });
});
