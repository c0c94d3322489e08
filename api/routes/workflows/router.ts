import Router from '@koa/router';
import { Invalid } from '../../../core/errors';
import type { AppDeps, AppState } from '../../deps';
import { requireWorkflowVisible } from '../../workflow-access';
import { describeWorkflow } from '../../workflows/run-workflow';
import type { WorkflowView } from '../activity/shapes';

/** Status of a workflow Strata started: the `statusUrl` of every 202. */
export function workflowsRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1/workflows' });
  router.get('/:workflowId', async (ctx) => {
    const id = ctx.params.workflowId!;
    if (!/^[a-z-]+:[^\s]{1,400}$/.test(id)) throw new Invalid(`${JSON.stringify(id)} is not a Strata workflow id`, 'invalid_workflow_id');
    await requireWorkflowVisible(deps, ctx, id);
    const status = await describeWorkflow(deps.temporal, id);
    const body: WorkflowView = { ...status, temporalUiUrl: `${deps.config.temporal.uiUrl}/namespaces/${encodeURIComponent(deps.config.temporal.namespace)}/workflows/${encodeURIComponent(id)}` };
    ctx.body = body;
  });
  return router;
}
