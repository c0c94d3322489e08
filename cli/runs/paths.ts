import { required } from '../args';

/** `/api/v1/orgs/{org}/workspaces[/{ws}]`, each segment encoded. */
export function workspacesPath(org: string, ws?: string): string {
  const base = `/api/v1/orgs/${encodeURIComponent(org)}/workspaces`;
  return ws === undefined ? base : `${base}/${encodeURIComponent(ws)}`;
}

/** `/api/v1/runs/{id}[/{rest}]`. */
export function runPath(id: string, rest?: string): string {
  return `/api/v1/runs/${encodeURIComponent(id)}${rest ? `/${rest}` : ''}`;
}

/** The `--org` and `--workspace` (or, for `workspace show|delete`, `--name`) of a command that names one workspace. */
export function workspaceOf(values: Record<string, unknown>, option: 'workspace' | 'name' = 'workspace'): { org: string; ws: string; path: string } {
  const org = required(values, 'org');
  const ws = required(values, option);
  return { org, ws, path: workspacesPath(org, ws) };
}
