import Router from '@koa/router';
import type { Context } from 'koa';
import { NotFound, UnsupportedMediaType } from '../../../core/errors';
import { vcsKinds, type VcsKind } from '../../../core/vcs/types';
import { readRaw } from '../../body';
import type { AppDeps, AppState } from '../../deps';
import { vcsRuntimeFor } from './runtime';
import { acceptDelivery, verifyDelivery } from './webhook-intake';

/**
 * GitHub caps payloads at 25 MB, but a tag push is a few KiB and even a large branch push far below this; anything
 * larger is not worth holding in memory for an unauthenticated caller.
 */
const MAX_PAYLOAD_BYTES = 1024 * 1024;

/**
 * Webhook receivers: `POST /webhooks/{github|gitlab|azure-devops}` (the link found by the repository the payload
 * names) and `…/{linkId}` (the URL each link shows). The delivery is verified first — GitHub's HMAC over the raw
 * body, GitLab's token, Azure DevOps' basic auth (see verifyDelivery) — then recorded, and 202 goes back at once;
 * the work is a workflow.
 */
export function vcsWebhooksRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/webhooks' });

  const receive = async (ctx: Context & { params: Record<string, string> }) => {
    const kind = ctx.params.provider as VcsKind;
    if (!vcsKinds.includes(kind)) throw new NotFound(`no webhook receiver for ${ctx.params.provider}`, 'webhook_not_found');
    // JSON, or (GitHub's other setting) the same JSON in a `payload` form field.
    if (!ctx.is('application/json', 'application/x-www-form-urlencoded')) {
      throw new UnsupportedMediaType('send the delivery as application/json (or GitHub\'s application/x-www-form-urlencoded)');
    }
    const runtime = await vcsRuntimeFor(deps.config);
    const { link, raw, payload } = await verifyDelivery(deps, runtime, {
      kind,
      linkId: ctx.params.linkId ?? null,
      headers: ctx.req.headers,
      contentType: ctx.get('content-type').toLowerCase(),
      readBody: () => readRaw(ctx, MAX_PAYLOAD_BYTES, 'the payload'),
    });
    const result = await acceptDelivery(deps, { kind, link, headers: ctx.req.headers, raw, payload });
    ctx.status = 202;
    ctx.body = { linkId: link.id, ...result };
  };

  router.post('/:provider', receive);
  router.post('/:provider/:linkId', receive);
  return router;
}
