import Router from '@koa/router';
import { notifyCatalogChanged } from '../../../core/db/catalog-events';
import { countVersionsSignedBy, deleteGpgKey, insertGpgKey, listGpgKeys, lockGpgKey, revokeGpgKey } from '../../../core/db/repos/gpg-keys';
import { isUniqueViolation } from '../../../core/db/knex';
import { Conflict, NotFound } from '../../../core/errors';
import { assertName } from '../../../core/registry/names';
import { readSigningKey } from '../../../core/registry/provider';
import type { AppDeps, AppState } from '../../deps';
import { readJson } from '../../body';
import { namespaceForManage, requireReadable } from '../../namespace-access';
import { audit } from '../../authz';
import { presentGpgKey } from './present';
import { addKey, deleteQuery } from './schemas';

/** Signing keys per namespace: provider releases must be signed by one of them. */
export function gpgKeysRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1/namespaces/:namespace/gpg-keys' });
  const changed = (namespace: string) => notifyCatalogChanged(deps.db, { kind: 'provider', namespace, name: '*' });

  router.get('/', async (ctx) => {
    const namespace = assertName('namespace', ctx.params.namespace!);
    await requireReadable(deps, ctx, namespace);
    ctx.body = { items: (await listGpgKeys(deps.db, namespace)).map(presentGpgKey) };
  });

  router.post('/', async (ctx) => {
    const namespace = assertName('namespace', ctx.params.namespace!);
    const ns = await namespaceForManage(deps, ctx, namespace);
    const body = addKey.parse(await readJson(ctx));
    const key = await readSigningKey(body.asciiArmor);
    try {
      const row = await deps.db.transaction(async (tx) => {
        const inserted = await insertGpgKey(tx, {
          namespace,
          key_id: key.keyId,
          fingerprint: key.fingerprint,
          ascii_armor: key.armored,
          source: body.source ?? null,
          source_url: body.sourceUrl ?? null,
        });
        await audit(ctx, tx, { orgId: ns.orgId, action: 'gpg_key.add', target: `${namespace}/${key.keyId}`, result: 'success' });
        return inserted;
      });
      await changed(namespace);
      ctx.status = 201;
      ctx.body = presentGpgKey(row);
    } catch (err) {
      if (isUniqueViolation(err)) throw new Conflict(`key ${key.keyId} is already registered for ${namespace}`, 'key_exists');
      throw err;
    }
  });

  /**
   * Deletes a key that signed nothing. A key that signed published versions is refused (409 `key_in_use`) unless
   * `?force=true`, which revokes it instead: new releases can no longer be signed with it, while clients keep
   * getting it for the versions it signed so `init` still verifies them.
   */
  router.delete('/:keyId', async (ctx) => {
    const namespace = assertName('namespace', ctx.params.namespace!);
    const ns = await namespaceForManage(deps, ctx, namespace);
    const keyId = ctx.params.keyId!;
    const force = deleteQuery.parse(ctx.query).force === 'true';
    const revoked = await deps.db.transaction(async (tx) => {
      const key = await lockGpgKey(tx, namespace, keyId);
      if (!key) throw new NotFound(`namespace ${namespace} has no key ${keyId}`);
      const signed = await countVersionsSignedBy(tx, namespace, key.key_id);
      if (signed === 0) {
        await deleteGpgKey(tx, key.id);
        await audit(ctx, tx, { orgId: ns.orgId, action: 'gpg_key.delete', target: `${namespace}/${key.key_id}`, result: 'success' });
        return null;
      }
      if (!force) {
        throw new Conflict(
          `key ${key.key_id} signed ${signed} published provider version(s) in ${namespace}: deleting it would break their verification; revoke it instead with ?force=true (clients keep it for those versions, new releases cannot use it)`,
          'key_in_use',
        );
      }
      await audit(ctx, tx, { orgId: ns.orgId, action: 'gpg_key.revoke', target: `${namespace}/${key.key_id}`, result: 'success' });
      return revokeGpgKey(tx, key.id);
    });
    await changed(namespace);
    if (revoked) ctx.body = presentGpgKey(revoked);
    else ctx.status = 204;
  });

  return router;
}
