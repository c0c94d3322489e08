import { ApiError, jsonBody, type ApiClient } from './api';
import type { LogFilter, LogLine, Run, RunOperation, StateDiff, StateVersion, VariableInput, Workspace, WorkspaceDetail, WorkspaceInput, WorkspaceVariable } from './types';

const seg = encodeURIComponent;
const workspacesPath = (org: string) => `/api/v1/orgs/${seg(org)}/workspaces`;
const workspacePath = (org: string, ws: string) => `${workspacesPath(org)}/${seg(ws)}`;
const runPath = (id: string) => `/api/v1/runs/${seg(id)}`;

/** Statuses after which a run changes no more. */
export const FINAL_RUN_STATUSES = ['applied', 'planned_no_changes', 'planned', 'discarded', 'canceled', 'errored'] as const;

export function isFinalRunStatus(status: string): boolean {
  return (FINAL_RUN_STATUSES as readonly string[]).includes(status);
}

/** What a run's status looks like in a badge. */
export function runTone(status: string): 'ok' | 'bad' | 'warn' | 'run' | 'neutral' {
  switch (status) {
    case 'applied':
    case 'planned':
    case 'planned_no_changes':
      return 'ok';
    case 'errored':
      return 'bad';
    case 'awaiting_approval':
    case 'discarded':
    case 'canceled':
      return 'warn';
    case 'planning':
    case 'applying':
      return 'run';
    default:
      return 'neutral';
  }
}

/** `awaiting_approval` → `awaiting approval`. */
export const statusLabel = (status: string): string => status.replaceAll('_', ' ');

/** `{add: 1, change: 0, destroy: 2}` → `+1 ~0 -2`. */
export function planSummaryText(plan: Run['plan']): string {
  return plan ? `+${plan.add} ~${plan.change} -${plan.destroy}` : '—';
}

/** A resource change's actions as one word: `create`, `update`, `delete`, `replace`, `read`, `no-op`. */
export function changeKind(actions: readonly string[]): string {
  if (actions.includes('delete') && actions.includes('create')) return 'replace';
  return actions[0] ?? 'no-op';
}

/**
 * The variables as `PUT …/variables` takes them: a sensitive variable whose value was left empty keeps its
 * stored value (the server never sends it back), any other keeps what was typed.
 */
export function variablesForSave(rows: readonly (WorkspaceVariable & { stored: boolean })[]): VariableInput[] {
  return rows.map((r) => {
    const keep = r.sensitive && r.stored && !r.value;
    return { key: r.key.trim(), category: r.category, sensitive: r.sensitive, hcl: r.hcl, ...(keep ? {} : { value: r.value ?? '' }) };
  });
}

/** Workspaces, their variables, configurations, runs and state versions; runs, their logs and decisions. */
export class RunsApi {
  constructor(private readonly client: ApiClient) {}

  async workspaces(org: string, signal?: AbortSignal): Promise<Workspace[]> {
    return (await this.client.request<{ items: Workspace[] }>('GET', workspacesPath(org), { signal })).items;
  }

  workspace(org: string, ws: string, signal?: AbortSignal): Promise<WorkspaceDetail> {
    return this.client.request('GET', workspacePath(org, ws), { signal });
  }

  createWorkspace(org: string, input: WorkspaceInput): Promise<{ id: string; name: string }> {
    return this.client.request('POST', workspacesPath(org), jsonBody(input));
  }

  updateWorkspace(org: string, ws: string, change: Partial<Omit<WorkspaceInput, 'name'>>): Promise<WorkspaceDetail> {
    return this.client.request('PATCH', workspacePath(org, ws), jsonBody(change));
  }

  deleteWorkspace(org: string, ws: string): Promise<void> {
    return this.client.request('DELETE', workspacePath(org, ws));
  }

  async saveVariables(org: string, ws: string, variables: VariableInput[]): Promise<WorkspaceVariable[]> {
    return (await this.client.request<{ items: WorkspaceVariable[] }>('PUT', `${workspacePath(org, ws)}/variables`, jsonBody(variables))).items;
  }

  /** Uploads a configuration version: a tar.gz of the root module. */
  uploadConfiguration(org: string, ws: string, archive: Blob): Promise<{ id: string; sha256: string; size: number }> {
    return this.client.request('POST', `${workspacePath(org, ws)}/configurations`, { body: archive, headers: { 'content-type': 'application/gzip' } });
  }

  /** Starts a run; `refreshOnly` (with `apply`) only brings the state up to date with the real resources. */
  startRun(org: string, ws: string, operation: RunOperation, options: { refreshOnly?: boolean } = {}): Promise<{ id: string; workflowId: string; statusUrl: string }> {
    const { body, headers } = jsonBody(options.refreshOnly ? { operation, refreshOnly: true } : { operation });
    return this.client.request('POST', `${workspacePath(org, ws)}/runs`, { body, headers: { ...headers, 'x-strata-client': 'web' } });
  }

  async workspaceRuns(org: string, ws: string, signal?: AbortSignal): Promise<Run[]> {
    return (await this.client.request<{ items: Run[] }>('GET', `${workspacePath(org, ws)}/runs`, { signal })).items;
  }

  /** The organisation's run queue: runs not finished yet, oldest first. */
  async queue(org: string, signal?: AbortSignal): Promise<Run[]> {
    return (await this.client.request<{ items: Run[] }>('GET', `/api/v1/orgs/${seg(org)}/runs`, { signal })).items;
  }

  /** The state versions, newest first; none when the server has no state backend yet. */
  async stateVersions(org: string, ws: string, signal?: AbortSignal): Promise<StateVersion[] | null> {
    try {
      return (await this.client.request<{ items: StateVersion[] }>('GET', `${workspacePath(org, ws)}/state/versions`, { query: { per_page: 50 }, signal })).items;
    } catch (err) {
      // No such route (a server without the state backend): nothing to list, not a failure.
      if (err instanceof ApiError && err.status === 404 && err.code === 'not_found') return null;
      throw err;
    }
  }

  /** What changed from version `against` to version `id`. */
  stateDiff(org: string, ws: string, id: string, against: string): Promise<StateDiff> {
    return this.client.request('GET', `${workspacePath(org, ws)}/state/versions/${seg(id)}/diff`, { query: { against } });
  }

  restoreState(org: string, ws: string, id: string): Promise<StateVersion> {
    return this.client.request('POST', `${workspacePath(org, ws)}/state/versions/${seg(id)}/restore`);
  }

  run(id: string, signal?: AbortSignal): Promise<Run> {
    return this.client.request('GET', runPath(id), { signal });
  }

  approve(id: string, comment?: string): Promise<Run> {
    return this.client.request('POST', `${runPath(id)}/approve`, jsonBody(comment ? { comment } : {}));
  }

  discard(id: string, comment?: string): Promise<Run> {
    return this.client.request('POST', `${runPath(id)}/discard`, jsonBody(comment ? { comment } : {}));
  }

  cancel(id: string): Promise<Run> {
    return this.client.request('POST', `${runPath(id)}/cancel`);
  }

  async searchLogs(id: string, filter: LogFilter, signal?: AbortSignal): Promise<LogLine[]> {
    const query = { q: filter.q, phase: filter.phase, severity: filter.severity };
    return (await this.client.request<{ items: LogLine[] }>('GET', `${runPath(id)}/logs/search`, { query, signal })).items;
  }

  /** Path of the run's live stream (log lines and status as Server-Sent Events). */
  logEventsPath(id: string): string {
    return `${runPath(id)}/logs/events`;
  }
}
