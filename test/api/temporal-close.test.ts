import { afterAll, expect, it } from 'vitest';
import { connectClient } from '../../temporal/connection';
import { startTemporalDevServer, type DevServerHandle } from '../../temporal/dev-server';
import { freePort } from '../harness/ports';

// A call to an unreachable Temporal is retried by the SDK on a timer; a connection closed while such a timer was
// pending threw "Channel has been shut down" out of the timer (an uncaught exception: it ended `npm start`'s
// shutdown once and failed a CI run). Closing must wait those timers out instead.

let temporal: DevServerHandle | undefined;
afterAll(async () => {
  await temporal?.stop();
});

it('closes a connection whose calls are still being retried without an uncaught exception', async () => {
  temporal = await startTemporalDevServer({ dbFile: null, port: await freePort(), uiPort: await freePort() });
  const client = await connectClient({ address: temporal.address, namespace: 'default' });
  await temporal.stop();
  temporal = undefined;
  const uncaught: unknown[] = [];
  const record = (err: unknown) => uncaught.push(err);
  process.on('uncaughtException', record);
  try {
    // No deadline: the SDK keeps retrying these in the background.
    const calls = Array.from({ length: 5 }, () => client.connection.workflowService.getSystemInfo({}).catch((err: Error) => err));
    await new Promise((r) => setTimeout(r, 1500));
    await client.connection.close();
    const outcomes = await Promise.all(calls);
    // Every call ended with an error of its own, delivered to its caller.
    expect(outcomes.every((o) => o instanceof Error)).toBe(true);
    // Timers set before the close would have fired by now.
    await new Promise((r) => setTimeout(r, 6500));
    expect(uncaught.map(String)).toEqual([]);
  } finally {
    process.off('uncaughtException', record);
  }
}, 60_000);
