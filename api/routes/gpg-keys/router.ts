import Router from '@koa/router';
import { z } from 'zod';
import { notifyCatalogChanged } from '../../../core/db/catalog-events';
import { deleteGpgKey, insertGpgKey, listGpgKeys, type GpgKeyRow } from '../../../core/db/repos/gpg-keys';
import { isUniqueViolation } from '../../../core/db/knex';
import { Conflict, NotFound } from '../../../core/errors';
import { assertName } from '../../../core/registry/names';
import { readSigningKey } from '../../../core/registry/provider';
import type { AppDeps, AppState } from '../../deps';
import { readJson } from '../../body';
import { requireToken } from '../../middleware/auth';

const addKey = z.object({
  ascii_armor: z.string().min(1).max(64 * 1024),
  source: z.string().max(200).optional(),
  source_url: z.url().max(500).optional(),
});

function present(k: GpgKeyRow) {
  return {
    namespace: k.namespace,
    key_id: k.key_id,
    fingerprint: k.fingerprint,
    ascii_armor: k.ascii_armor,
    source: k.source,
    source_url: k.source_url,
    created_at: new Date(k.created_at).toISOString(),
  };
}

/** Signing keys per namespace: provider releases must be signed by one of them. */
export function gpgKeysRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1/namespaces/:namespace/gpg-keys' });
  const changed = (namespace: string) => notifyCatalogChanged(deps.db, { kind: 'provider', namespace, name: '*' });

  router.get('/', async (ctx) => {
    const namespace = assertName('namespace', ctx.params.namespace!);
    ctx.body = { items: (await listGpgKeys(deps.db, namespace)).map(present) };
  });

  router.post('/', requireToken(deps.db), async (ctx) => {
    const namespace = assertName('namespace', ctx.params.namespace!);
    const body = addKey.parse(await readJson(ctx));
    const key = await readSigningKey(body.ascii_armor);
    try {
      const row = await insertGpgKey(deps.db, {
        namespace,
        key_id: key.keyId,
        fingerprint: key.fingerprint,
        ascii_armor: key.armored,
        source: body.source ?? null,
        source_url: body.source_url ?? null,
      });
      await changed(namespace);
      ctx.status = 201;
      ctx.body = present(row);
    } catch (err) {
      if (isUniqueViolation(err)) throw new Conflict(`key ${key.keyId} is already registered for ${namespace}`, 'key_exists');
      throw err;
    }
  });

  router.delete('/:keyId', requireToken(deps.db), async (ctx) => {
    const namespace = assertName('namespace', ctx.params.namespace!);
    if (!(await deleteGpgKey(deps.db, namespace, ctx.params.keyId!))) {
      throw new NotFound(`namespace ${namespace} has no key ${ctx.params.keyId}`);
    }
    await changed(namespace);
    ctx.status = 204;
  });

  return router;
}
