import type { Config } from '../../../core/config';
import type { SecretBox } from '../../../core/crypto/envelope';
import { resolveSecretBox } from '../../../core/crypto/master-key';

const boxes = new WeakMap<Config, Promise<SecretBox>>();

/** The API process's key for sealing and opening state versions, resolved once per config. */
export function stateSecretsFor(config: Config): Promise<SecretBox> {
  let box = boxes.get(config);
  if (!box) {
    box = resolveSecretBox(config);
    boxes.set(config, box);
  }
  return box;
}
