import { links } from './routes';

/** What a Strata workflow id is about, and where its result lives in the dashboard. */
export function workflowSubject(workflowId: string): { kind: string; subject: string; href: string | null } {
  const [kind = '', key = ''] = workflowId.split(/:(.*)/s);
  const parts = key.split('/');
  if (kind === 'module-publish' && parts.length === 4) {
    const [namespace, name, system, version] = parts as [string, string, string, string];
    return { kind, subject: `${namespace}/${name}/${system} ${version}`, href: links.module({ namespace, name, system }, version) };
  }
  if (kind === 'provider-publish' && parts.length === 3) {
    const [namespace, type, version] = parts as [string, string, string];
    return { kind, subject: `${namespace}/${type} ${version}`, href: links.provider({ namespace, type }, version) };
  }
  return { kind, subject: key, href: null };
}

/**
 * The Temporal UI page of the exact run shown. The status route links the workflow id (the UI then opens its
 * latest run); the live stream already names the run.
 */
export function temporalRunUrl(view: { temporalUiUrl: string; runId: string }): string {
  const run = encodeURIComponent(view.runId);
  if (!view.runId || view.temporalUiUrl.includes(`/${run}`)) return view.temporalUiUrl;
  return `${view.temporalUiUrl.replace(/\/+$/, '')}/${run}/history`;
}

export function kindLabel(kind: string | null): string {
  switch (kind) {
    case 'module-publish':
      return 'Module publish';
    case 'provider-publish':
      return 'Provider publish';
    case 'vcs-tag':
      return 'Tag publish';
    case 'vcs-sync':
      return 'Repository sync';
    case 'vcs-link-setup':
      return 'Repository link';
    case 'vcs-connection-check':
      return 'Connection check';
    case 'webhook-delivery':
      return 'Webhook delivery';
    default:
      return kind ?? 'Workflow';
  }
}
