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
  engines: { tofu: string; terraform: string; pulumi: string };
  /**
   * Where Pulumi stacks keep their state (a DIY backend in Strata's own store): `file://…` on local storage,
   * `s3://…` on S3. Each deployment's stack lives under its own prefix.
   */
  pulumiBackend: { url: (workspaceId: string) => string; env: Record<string, string> };
  caFile: string | null;
  /** PATH for the engines' processes. */
  enginePath: string;
  reminderHours: number;
  /** Key rotation and token lifetime of the ID tokens runs exchange for cloud credentials. */
  workloadIdentity: Config['workloadIdentity'];
}

export async function createRunRuntime(config: Pick<Config, 'encryptionKey' | 'dataDir' | 'publicUrl' | 'runs' | 'workloadIdentity' | 'storage'>): Promise<RunRuntime> {
  return {
    secrets: await resolveSecretBox(config),
    publicUrl: config.publicUrl,
    workRoot: `${config.dataDir}/runs`,
    pluginCacheDir: `${config.dataDir}/engine-plugin-cache`,
    engines: { tofu: config.runs.tofuBin ?? 'tofu', terraform: config.runs.terraformBin ?? 'terraform', pulumi: config.runs.pulumiBin ?? 'pulumi' },
    pulumiBackend: pulumiBackendOf(config.storage),
    caFile: config.runs.caFile,
    enginePath: config.runs.enginePath,
    reminderHours: config.runs.reminderHours,
    workloadIdentity: config.workloadIdentity,
  };
}

function pulumiBackendOf(storage: Config['storage']): RunRuntime['pulumiBackend'] {
  if (storage.kind === 's3') {
    const query = new URLSearchParams({ region: storage.region, ...(storage.endpoint ? { endpoint: storage.endpoint, s3ForcePathStyle: String(storage.forcePathStyle) } : {}) });
    const env: Record<string, string> = storage.credentials ? { AWS_ACCESS_KEY_ID: storage.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: storage.credentials.secretAccessKey } : {};
    return { url: (ws) => `s3://${storage.bucket}/pulumi-state/${ws}?${query.toString()}`, env };
  }
  if (storage.kind === 'azure') {
    // Pulumi's azblob backend reads the account from the environment.
    const env: Record<string, string> = storage.account ? { AZURE_STORAGE_ACCOUNT: storage.account.name, AZURE_STORAGE_KEY: storage.account.key } : {};
    return { url: (ws) => `azblob://${storage.container}/pulumi-state/${ws}`, env };
  }
  return { url: (ws) => `file://${storage.dir}/pulumi-state/${ws}`, env: {} };
}
