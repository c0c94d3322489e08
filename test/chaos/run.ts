import { runChaos, summaryLine } from './chaos';

// `npm run chaos`: a longer chaos run outside vitest (CHAOS_INJECTIONS, default 200; CHAOS_SEED).
const seed = Number(process.env.CHAOS_SEED ?? Date.now() % 1_000_000);
const injections = Number(process.env.CHAOS_INJECTIONS ?? 200);
const summary = await runChaos({ seed, injections, log: (line) => console.log(line) });
console.log(summaryLine(summary));
const failed = summary.lost + summary.duplicated + summary.halfPublished + summary.orphans > 0 || summary.landed !== summary.accepted;
process.exit(failed ? 1 : 0);
