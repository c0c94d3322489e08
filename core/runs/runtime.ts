import type { Config } from '../config';
import type { SecretBox } from '../crypto/envelope';
import { resolveSecretBox } from '../crypto/master-key';

/** What run activities need besides the database and storage. */
export interface RunRuntime {
  secrets: SecretBox;
  /** Strata's own base URL: the engines reach its registry, mirror and state backend there. */
  publicUrl: string;
  /** Scratch space for run working directories (removed after each phase). */
  workRoot: string;
  /** Shared provider plugin cache, so a run does not download the same provider again. */
  pluginCacheDir: string;
  engines: { tofu: string; terraform: string };
  caFile: string | null;
  /** PATH for the engines' processes. */
  enginePath: string;
  reminderHours: number;
  /** Key rotation and token lifetime of the ID tokens runs exchange for cloud credentials. */
  workloadIdentity: Config['workloadIdentity'];
}

export async function createRunRuntime(config: Pick<Config, 'encryptionKey' | 'dataDir' | 'publicUrl' | 'runs' | 'workloadIdentity'>): Promise<RunRuntime> {
  return {
    secrets: await resolveSecretBox(config),
    publicUrl: config.publicUrl,
    workRoot: `${config.dataDir}/runs`,
    pluginCacheDir: `${config.dataDir}/engine-plugin-cache`,
    engines: { tofu: config.runs.tofuBin ?? 'tofu', terraform: config.runs.terraformBin ?? 'terraform' },
    caFile: config.runs.caFile,
    enginePath: config.runs.enginePath,
    reminderHours: config.runs.reminderHours,
    workloadIdentity: config.workloadIdentity,
  };
}
