import type { Command } from '../command';
import { adminCreateUser } from './admin-create-user';
import { gpgKeyAdd } from './gpg-key-add';
import { gpgKeyList } from './gpg-key-list';
import { modulePublish } from './module-publish';
import { providerPublish } from './provider-publish';
import { tokenCreate } from './token-create';
import { tokenList } from './token-list';
import { tokenRevoke } from './token-revoke';

/** Every command, in the order `strata --help` lists them. */
export const commands: readonly Command[] = [
  modulePublish,
  providerPublish,
  gpgKeyAdd,
  gpgKeyList,
  tokenCreate,
  tokenList,
  tokenRevoke,
  adminCreateUser,
];
