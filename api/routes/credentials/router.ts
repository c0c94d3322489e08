import { randomUUID } from 'node:crypto';
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { isUniqueViolation } from '../../../core/db/knex';
import {
  credentialSecretContext,
  findCloudCredential,
  insertCloudCredential,
  listCloudCredentials,
  rotateCloudCredential,
  softDeleteCloudCredential,
} from '../../../core/db/repos/cloud-credentials';
import { listCredentialWorkspaces } from '../../../core/db/repos/workspace-credentials';
import type { OrgRow } from '../../../core/db/repos/organizations';
import { Conflict, NotFound } from '../../../core/errors';
import { isCredentialKind } from '../../../core/credentials/kinds';
import { resolveSecretBox } from '../../../core/crypto/master-key';
import type { SecretBox } from '../../../core/crypto/envelope';
import { audit, authorize } from '../../authz';
import { readJson } from '../../body';
import type { AppDeps, AppState } from '../../deps';
import { visibleOrg } from '../orgs/lookup';
import { orgParams } from '../orgs/schemas';
import { presentCredential } from './present';
import { createCredentialInput, credentialParams, rotateCredentialInput } from './schemas';
import { auditedRefusals, ensureSchedule, settingsOf, startCheck, validateCredential } from './service';

type Ctx = Context & { state: AppState };

/**
 * An organisation's cloud credentials: create (checked by `credential-check:<id>` right away), list, show,
 * rotate, check on demand, delete (soft; refused while a workspace uses it). Secrets go in and never come out.
 * Every change and every refused change is in the audit log.
 */
export function credentialsRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1/orgs/:org/credentials' });
  let box: Promise<SecretBox> | undefined;
  const secrets = () => (box ??= resolveSecretBox(deps.config));

  /** The credential of this organisation; another organisation's id (or a deleted one) is answered as missing. */
  const load = async (org: OrgRow, id: string) => {
    const row = z.uuid().safeParse(id).success ? await findCloudCredential(deps.db, id) : undefined;
    if (!row || row.org_id !== org.id) throw new NotFound(`no cloud credential ${id} in organisation ${org.name}`, 'credential_not_found');
    return row;
  };
  const present = async (row: Parameters<typeof presentCredential>[0]) => presentCredential(row, await listCredentialWorkspaces(deps.db, row.id));

  /** Runs a handler with its refusals audited; `org`/`target` are filled in as the handler learns them. */
  const mutation = (action: string, handler: (ctx: Ctx, seen: { org?: OrgRow; target?: string }) => Promise<void>) => async (ctx: Ctx) => {
    const seen: { org?: OrgRow; target?: string } = { target: ctx.params.id };
    await auditedRefusals(ctx, deps, { action, orgId: () => seen.org?.id ?? null, target: () => seen.target ?? null }, () => handler(ctx, seen));
  };

  router.get('/', async (ctx) => {
    const org = await visibleOrg(deps.db, ctx, orgParams.parse(ctx.params).org);
    authorize(ctx, 'credential.read', { orgId: org.id });
    const rows = await listCloudCredentials(deps.db, org.id);
    ctx.body = { items: await Promise.all(rows.map(present)) };
  });

  router.post(
    '/',
    mutation('credential.create', async (ctx, seen) => {
      const org = (seen.org = await visibleOrg(deps.db, ctx, orgParams.parse(ctx.params).org));
      authorize(ctx, 'credential.manage', { orgId: org.id });
      const body = createCredentialInput.parse(await readJson(ctx));
      seen.target = body.name;
      const credential = await validateCredential(deps, body);
      const id = randomUUID();
      const box = await secrets();
      let row;
      try {
        row = await deps.db.transaction(async (tx) => {
          const inserted = await insertCloudCredential(tx, {
            id,
            org_id: org.id,
            name: body.name,
            kind: credential.kind,
            settings: settingsOf(credential.kind, credential.settings),
            secretSealed: box.seal(JSON.stringify(credential.secret), credentialSecretContext(id, 1)),
          });
          await audit(ctx, tx, { orgId: org.id, action: 'credential.create', target: id, result: 'success', details: { name: body.name, kind: credential.kind } });
          return inserted;
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw new Conflict(`a cloud credential named ${JSON.stringify(body.name)} already exists in ${org.name}`, 'credential_exists');
        throw err;
      }
      const validation = await startCheck(deps, id, org.name);
      await ensureSchedule(deps);
      ctx.status = 201;
      ctx.body = { ...(await present(row)), validation };
    }),
  );

  // Asking for a credential by id is audited when refused (another organisation's id is answered as missing).
  router.get(
    '/:id',
    mutation('credential.read', async (ctx, seen) => {
      const { org: name, id } = credentialParams.parse(ctx.params);
      const org = (seen.org = await visibleOrg(deps.db, ctx, name));
      authorize(ctx, 'credential.read', { orgId: org.id });
      ctx.body = await present(await load(org, id));
    }),
  );

  router.put(
    '/:id',
    mutation('credential.rotate', async (ctx, seen) => {
      const { org: name, id } = credentialParams.parse(ctx.params);
      const org = (seen.org = await visibleOrg(deps.db, ctx, name));
      authorize(ctx, 'credential.manage', { orgId: org.id });
      const body = rotateCredentialInput.parse(await readJson(ctx));
      const current = await load(org, id);
      if (!isCredentialKind(current.kind)) throw new NotFound(`no cloud credential ${id} in organisation ${org.name}`, 'credential_not_found');
      const credential = await validateCredential(deps, { kind: current.kind, secret: body.secret, settings: body.settings ?? current.settings });
      const box = await secrets();
      const row = await deps.db.transaction(async (tx) => {
        const rotated = await rotateCloudCredential(tx, id, (version) => box.seal(JSON.stringify(credential.secret), credentialSecretContext(id, version)), settingsOf(credential.kind, credential.settings));
        if (!rotated) throw new NotFound(`no cloud credential ${id} in organisation ${org.name}`, 'credential_not_found');
        await audit(ctx, tx, { orgId: org.id, action: 'credential.rotate', target: id, result: 'success', details: { name: rotated.name, kind: rotated.kind, version: rotated.current_version } });
        return rotated;
      });
      const validation = await startCheck(deps, id, org.name);
      ctx.body = { ...(await present(row)), validation };
    }),
  );

  router.delete(
    '/:id',
    mutation('credential.delete', async (ctx, seen) => {
      const { org: name, id } = credentialParams.parse(ctx.params);
      const org = (seen.org = await visibleOrg(deps.db, ctx, name));
      authorize(ctx, 'credential.manage', { orgId: org.id });
      const row = await load(org, id);
      await deps.db.transaction(async (tx) => {
        // Locked against a workspace binding it in the same moment.
        await tx('cloud_credentials').where({ id }).forUpdate().first('id');
        const users = await listCredentialWorkspaces(tx, id);
        if (users.length > 0) {
          throw new Conflict(`cloud credential ${row.name} is used by workspace(s) ${users.map((w) => w.name).join(', ')}; remove it from them first`, 'credential_in_use');
        }
        await softDeleteCloudCredential(tx, id);
        await audit(ctx, tx, { orgId: org.id, action: 'credential.delete', target: id, result: 'success', details: { name: row.name, kind: row.kind } });
      });
      ctx.status = 204;
    }),
  );

  router.post(
    '/:id/check',
    mutation('credential.check', async (ctx, seen) => {
      const { org: name, id } = credentialParams.parse(ctx.params);
      const org = (seen.org = await visibleOrg(deps.db, ctx, name));
      authorize(ctx, 'credential.manage', { orgId: org.id });
      const row = await load(org, id);
      const validation = await startCheck(deps, row.id, org.name);
      await audit(ctx, deps.db, { orgId: org.id, action: 'credential.check', target: row.id, result: 'success', details: { name: row.name, workflowId: validation.workflowId } });
      ctx.status = 202;
      ctx.body = validation;
    }),
  );

  return router;
}
