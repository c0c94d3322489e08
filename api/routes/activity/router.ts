import Router from '@koa/router';
import type { Middleware } from 'koa';
import { Invalid, Unauthorized } from '../../../core/errors';
import type { AppDeps, AppState } from '../../deps';
import { requireSignedIn } from '../../authz';
import { mayViewWorkflow, requireWorkflowVisible } from '../../workflow-access';
import { openEventStream } from './event-stream';
import { listStrataWorkflows } from './list-workflows';
import { activityListQuery, WORKFLOW_ID } from './schemas';
import { WorkflowWatchers } from './watchers';
import { readWorkflowView } from './workflow-view';

// A stream ends after this long even if the workflow still runs; the browser reconnects (and is
// authenticated again), so a revoked token stops seeing updates within this bound.
const MAX_STREAM_MS = 10 * 60_000;

function workflowId(raw: string): string {
  if (!WORKFLOW_ID.test(raw)) throw new Invalid(`${JSON.stringify(raw)} is not a Strata workflow id`, 'invalid_workflow_id');
  return raw;
}

/**
 * `EventSource` cannot send headers, so the live event streams (a workflow's, the inbox's) also accept the token
 * as `?token=`. Only there: every other route takes the header alone. The request log records the path without the query string.
 */
export function tokenFromQuery(deps: AppDeps): Middleware<AppState> {
  return async (ctx, next) => {
    const token = ctx.query.token;
    if (ctx.state.identity.principal.kind === 'anonymous' && typeof token === 'string' && token) {
      const identity = await deps.identity.resolveToken(token);
      if (!identity) throw new Unauthorized('the API token is unknown, expired or has been revoked', 'invalid_token');
      ctx.state.identity = identity;
    }
    await next();
  };
}

/**
 * The activity feed: Strata's workflows from Temporal visibility (token required, like a workflow's status),
 * and a live Server-Sent Events stream of one workflow's status and progress.
 */
export function activityRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1/workflows' });
  const read = (id: string) => readWorkflowView(deps, id);
  const watchers = new WorkflowWatchers({ read, log: deps.log });

  router.get('/', async (ctx) => {
    requireSignedIn(ctx);
    const q = activityListQuery.parse(ctx.query);
    const page = await listStrataWorkflows(deps.temporal, {
      namespace: deps.config.temporal.namespace,
      taskQueue: deps.config.temporal.taskQueue,
      kind: q.kind,
      status: q.status,
      q: q.q,
      pageToken: q.pageToken,
      pageSize: q.per_page,
    });
    // A page may hold fewer items than asked: workflows of namespaces the principal cannot read are left out.
    const visible = await Promise.all(page.items.map((w) => mayViewWorkflow(deps, ctx, w.workflowId)));
    ctx.body = { ...page, items: page.items.filter((_, i) => visible[i]) };
  });

  /**
   * `event: status` with the status route's JSON (plus `temporalUiUrl`) whenever it changes, then
   * `event: end` once the workflow has closed. An unknown workflow is a plain 404 before the stream opens.
   */
  router.get('/:workflowId/events', tokenFromQuery(deps), async (ctx) => {
    const id = workflowId(ctx.params.workflowId!);
    await requireWorkflowVisible(deps, ctx, id);
    const first = await read(id);
    const stream = openEventStream(ctx);
    let lastSent = '';
    const send = (view: typeof first) => {
      const json = JSON.stringify(view);
      if (json === lastSent) return;
      lastSent = json;
      stream.send('status', view);
    };
    send(first);
    if (first.status !== 'running') {
      stream.send('end', { status: first.status });
      stream.end();
      return;
    }
    const unsubscribe = watchers.subscribe(id, (view) => {
      send(view);
      if (view.status !== 'running') {
        stream.send('end', { status: view.status });
        stream.end();
      }
    });
    const lifetime = setTimeout(() => stream.end(), MAX_STREAM_MS);
    stream.onClose(() => {
      clearTimeout(lifetime);
      unsubscribe();
    });
  });

  return router;
}
