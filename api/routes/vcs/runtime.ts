import type { Config } from '../../../core/config';
import { createVcsRuntime, type VcsRuntime } from '../../../core/vcs/runtime';

const runtimes = new WeakMap<Config, Promise<VcsRuntime>>();

/** The API process's VCS runtime (the key that seals/opens secrets, the network policy), built once per config. */
export function vcsRuntimeFor(config: Config): Promise<VcsRuntime> {
  let runtime = runtimes.get(config);
  if (!runtime) {
    runtime = createVcsRuntime(config);
    runtimes.set(config, runtime);
  }
  return runtime;
}
