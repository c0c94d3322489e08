import { parseArgs } from 'node:util';
import type { LoadSettings } from './load';

export interface BenchOptions extends LoadSettings {
  publishes: number;
  /** Versions published concurrently for the throughput target, and by how many clients. */
  throughputVersions: number;
  throughputClients: number;
  /** Write V8 CPU profiles of the platform's Node processes (`--cpu-prof`) to this run's results folder. */
  profile: boolean;
  /** Protocol targets to load (by id); when set, only those, and nothing after them (publishes, state, memory). */
  only: string[] | null;
}

const USAGE = `usage: npm run bench -- [--duration 8] [--slice 2] [--warmup 2] [--connections 50] [--publishes 20] [--throughput-versions 200] [--throughput-clients 8] [--profile] [--only module-versions,provider-package]`;

/** Command-line options of `npm run bench`; every one has the default the targets were set for. */
export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string', default: '8' },
      slice: { type: 'string', default: '2' },
      warmup: { type: 'string', default: '2' },
      connections: { type: 'string', default: '50' },
      publishes: { type: 'string', default: '20' },
      'throughput-versions': { type: 'string', default: '200' },
      'throughput-clients': { type: 'string', default: '8' },
      profile: { type: 'boolean', default: false },
      only: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const positive = (name: string, raw: string) => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive whole number, got ${raw}\n${USAGE}`);
    return n;
  };
  return {
    durationSeconds: positive('duration', values.duration),
    sliceSeconds: positive('slice', values.slice),
    warmupSeconds: positive('warmup', values.warmup),
    connections: positive('connections', values.connections),
    publishes: positive('publishes', values.publishes),
    throughputVersions: positive('throughput-versions', values['throughput-versions']),
    throughputClients: positive('throughput-clients', values['throughput-clients']),
    profile: values.profile,
    only: values.only ? values.only.split(',').map((id) => id.trim()).filter(Boolean) : null,
  };
}
