import type { Command } from '../command';
import { adminCreateUser } from './admin-create-user';
import { gpgKeyAdd } from './gpg-key-add';
import { gpgKeyList } from './gpg-key-list';
import { modulePublish } from './module-publish';
import { pluginList } from './plugin-list';
import { pluginPublish } from './plugin-publish';
import { providerPublish } from './provider-publish';
import { runApprove, runCancel, runDiscard } from './run-decide';
import { runLogs } from './run-logs';
import { runShow } from './run-show';
import { runStart } from './run-start';
import { tokenCreate } from './token-create';
import { tokenList } from './token-list';
import { tokenRevoke } from './token-revoke';
import { workspaceCreate } from './workspace-create';
import { workspaceDelete } from './workspace-delete';
import { workspaceList } from './workspace-list';
import { workspaceShow } from './workspace-show';
import { workspaceUpload } from './workspace-upload';
import { workspaceVarsSet } from './workspace-vars-set';

/** Every command, in the order `strata --help` lists them. */
export const commands: readonly Command[] = [
  modulePublish,
  providerPublish,
  pluginPublish,
  pluginList,
  gpgKeyAdd,
  gpgKeyList,
  tokenCreate,
  tokenList,
  tokenRevoke,
  workspaceList,
  workspaceCreate,
  workspaceShow,
  workspaceDelete,
  workspaceVarsSet,
  workspaceUpload,
  runStart,
  runShow,
  runLogs,
  runApprove,
  runDiscard,
  runCancel,
  adminCreateUser,
];
