import Router from '@koa/router';
import type { Context } from 'koa';
import { NotFound, PayloadTooLarge } from '../../../core/errors';
import { vcsKinds, type VcsKind } from '../../../core/vcs/types';
import type { AppDeps, AppState } from '../../deps';
import { vcsRuntimeFor } from './runtime';
import { acceptDelivery, parsePayload, verifyDelivery } from './webhook-intake';

/** GitHub caps payloads at 25 MB; tag pushes are tiny, and anything this large is not worth holding in memory. */
const MAX_PAYLOAD_BYTES = 5 * 1024 * 1024;

async function readRaw(ctx: Context): Promise<Buffer> {
  const declared = Number(ctx.get('content-length') || 0);
  if (declared > MAX_PAYLOAD_BYTES) throw new PayloadTooLarge(`the payload is larger than ${MAX_PAYLOAD_BYTES} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > MAX_PAYLOAD_BYTES) throw new PayloadTooLarge(`the payload is larger than ${MAX_PAYLOAD_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Webhook receivers: `POST /webhooks/{github|gitlab|azure-devops}` (the link found by the repository the payload
 * names) and `…/{linkId}` (the URL each link shows). The delivery is verified first — GitHub's HMAC over the raw
 * body, GitLab's token, Azure DevOps' basic auth — then recorded, and 202 goes back at once; the work is a workflow.
 */
export function vcsWebhooksRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/webhooks' });

  const receive = async (ctx: Context & { params: Record<string, string> }) => {
    const kind = ctx.params.provider as VcsKind;
    if (!vcsKinds.includes(kind)) throw new NotFound(`no webhook receiver for ${ctx.params.provider}`, 'webhook_not_found');
    const raw = await readRaw(ctx);
    const payload = parsePayload(raw, ctx.get('content-type').toLowerCase());
    const runtime = await vcsRuntimeFor(deps.config);
    const input = { kind, linkId: ctx.params.linkId ?? null, headers: ctx.req.headers, raw, payload };
    const link = await verifyDelivery(deps, runtime, input);
    const result = await acceptDelivery(deps, { ...input, link });
    ctx.status = 202;
    ctx.body = { linkId: link.id, ...result };
  };

  router.post('/:provider', receive);
  router.post('/:provider/:linkId', receive);
  return router;
}
