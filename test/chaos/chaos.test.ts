import { expect, it } from 'vitest';
import { runChaos, summaryLine } from './chaos';

// CHAOS_SEED replays a run; CHAOS_INJECTIONS sets its length (`npm run chaos` runs longer ones).
const seed = Number(process.env.CHAOS_SEED ?? 20261202);
const injections = Number(process.env.CHAOS_INJECTIONS ?? 50);

it(`survives ${injections} random process kills during publishes (seed ${seed})`, async () => {
  const summary = await runChaos({ seed, injections, log: (line) => console.log(line) });
  console.log(summaryLine(summary));
  expect(Object.values(summary.injections).reduce((a, b) => a + b, 0)).toBe(injections);
  expect(summary.accepted).toBeGreaterThan(0);
  expect({ lost: summary.lost, duplicated: summary.duplicated, halfPublished: summary.halfPublished, orphanKeys: summary.orphanKeys }).toEqual({
    lost: 0,
    duplicated: 0,
    halfPublished: 0,
    orphanKeys: [],
  });
  expect(summary.landed).toBe(summary.accepted);
  expect(summary.recoveryMs.max).toBeLessThanOrEqual(60_000);
}, 900_000);
