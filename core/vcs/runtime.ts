import type { Config } from '../config';
import type { SecretBox } from '../crypto/envelope';
import { resolveSecretBox } from '../crypto/master-key';
import type { NetworkPolicy } from './network-policy';

/** What VCS activities and routes need besides the database: the key that opens stored secrets, and the policy. */
export interface VcsRuntime {
  secrets: SecretBox;
  policy: NetworkPolicy;
}

export async function createVcsRuntime(config: Pick<Config, 'encryptionKey' | 'dataDir' | 'vcs'>): Promise<VcsRuntime> {
  return { secrets: await resolveSecretBox(config), policy: { allowPrivateNetworks: config.vcs.allowPrivateNetworks } };
}
