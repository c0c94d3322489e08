import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tofuBinary } from '../harness/cli-tools';
import { clientFor } from '../harness/http';
import { startPlatform, type Platform } from '../harness/platform';
import type { Call } from './helpers';

export interface VcsTestBed<S> {
  platform: Platform;
  call: Call;
  tofu: string;
  work: string;
  standIn: S;
  close(): Promise<void>;
}

/**
 * The real platform over HTTPS (private networks allowed, so the loopback stand-in is reachable), a real tofu,
 * a work dir, and one provider stand-in that trusts the platform's test CA.
 */
export async function startVcsTestBed<S extends { close(): Promise<void> }>(
  name: string,
  startStandIn: (ca: Buffer) => Promise<S>,
): Promise<VcsTestBed<S>> {
  const [platform, tofu] = await Promise.all([startPlatform({ tls: true, env: { STRATA_VCS_ALLOW_PRIVATE_NETWORKS: 'true' } }), tofuBinary()]);
  const standIn = await startStandIn(await readFile(platform.certificates!.caFile));
  const work = await mkdtemp(join(tmpdir(), `strata-vcs-${name}-`));
  return {
    platform,
    call: clientFor(platform),
    tofu,
    work,
    standIn,
    close: async () => {
      await standIn.close();
      await platform.close();
      await rm(work, { recursive: true, force: true });
    },
  };
}
