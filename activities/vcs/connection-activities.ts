import type { Db } from '../../core/db/knex';
import { recordVcsConnectionCheck } from '../../core/db/repos/vcs-connections';
import { recordWebhookInstallation, webhookSecretContext } from '../../core/db/repos/vcs-links';
import { DomainError } from '../../core/errors';
import { VcsUnavailable } from '../../core/vcs/errors';
import type { VcsRuntime } from '../../core/vcs/runtime';
import { withDomainFailures } from '../failures';
import { clientForConnection, loadLink, requireRuntime } from './connect';

export interface ConnectionCheck {
  status: 'valid' | 'invalid';
  identity: string | null;
  reason: string | null;
}

/** Connection-level side effects: validation, webhook installation. */
export function createVcsConnectionActivities({ db, vcs }: { db: Db; vcs?: VcsRuntime }) {
  const runtime = () => requireRuntime(vcs);

  return {
    /**
     * Asks the provider who the connection's credentials belong to and records the verdict. Rejected credentials,
     * missing permissions and unreachable hosts are a verdict (`invalid` with the reason), not a failure.
     */
    async checkVcsConnection(input: { connectionId: string }): Promise<ConnectionCheck> {
      return withDomainFailures(async () => {
        let result: ConnectionCheck;
        try {
          const client = await clientForConnection(db, runtime(), input.connectionId);
          result = { status: 'valid', identity: (await client.whoAmI()).login, reason: null };
        } catch (err) {
          if (err instanceof DomainError && err.code === 'vcs_connection_not_found') throw err;
          if (!(err instanceof DomainError) && !(err instanceof VcsUnavailable)) throw err;
          result = { status: 'invalid', identity: null, reason: err.message };
        }
        await recordVcsConnectionCheck(db, input.connectionId, result);
        return result;
      });
    },

    /**
     * Registers the link's webhook with the provider. Missing permissions or an API that refuses end in
     * `manual` (the user pastes the URL and secret shown at link time), with the reason.
     */
    async installVcsWebhook(input: { linkId: string }): Promise<{ status: 'installed' | 'manual'; error: string | null }> {
      return withDomainFailures(async () => {
        const link = await loadLink(db, input.linkId);
        if (link.webhook_status === 'installed') return { status: 'installed' as const, error: null };
        let result: { status: 'installed' | 'manual'; error: string | null; webhookId: string | null };
        try {
          const client = await clientForConnection(db, runtime(), link.connection_id);
          const secret = runtime().secrets.open(link.webhook_secret_sealed, webhookSecretContext(link.id));
          const hook = await client.installWebhook(link.repository, { url: link.webhook_url, secret });
          result = { status: 'installed', error: null, webhookId: hook.id };
        } catch (err) {
          if (!(err instanceof DomainError) || err.code === 'vcs_link_not_found') throw err;
          result = { status: 'manual', error: err.message, webhookId: null };
        }
        await recordWebhookInstallation(db, link.id, result);
        return { status: result.status, error: result.error };
      });
    },

  };
}
