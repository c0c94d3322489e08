// Shapes of the Strata API as the dashboard reads them: the server's own zod-declared response shapes
// (api/routes/<area>/shapes.ts), imported as types only so nothing of the server reaches the bundle. A change
// to a response breaks the dashboard's typecheck instead of its pages.
export type { ModuleAnalysis, ModuleInput, ModuleOutput, ModuleResource, ModuleUnit, ProviderRequirement } from '../../../core/registry/module-analysis/types';
export type { ProgressSnapshot, StepState, StepStatus } from '../../../workflows/progress';
export type { Accepted } from '../../../api/routes/common-shapes';
export type { CatalogItem, CatalogKind, CatalogPage, CatalogSort } from '../../../api/routes/search/shapes';
export type { ModuleDetail, ModulePublished, ModuleVersion } from '../../../api/routes/modules/shapes';
export type { ProviderDetail, ProviderPlatform, ProviderVersion } from '../../../api/routes/providers/shapes';
export type { DownloadSeries } from '../../../api/routes/stats/shapes';
export type { GpgKey } from '../../../api/routes/gpg-keys/shapes';
export type { ApiToken, CreatedToken } from '../../../api/routes/tokens/shapes';
export type { WorkflowPage, WorkflowStatusName, WorkflowSummary, WorkflowView } from '../../../api/routes/activity/shapes';
export type { ActionLinkView, Inbox, InboxItem, NotificationPreference, PreferenceSet } from '../../../api/routes/notifications/shapes';
export type {
  VcsConnection,
  VcsConnectionChecked,
  VcsConnectionStatus,
  VcsDelivery,
  VcsDeliveryResult,
  VcsKind,
  VcsLink,
  VcsLinkCreated,
  VcsRepository,
  VcsSyncAccepted,
  VcsTagPreview,
  VcsViolation,
  VcsWebhookStatus,
} from '../../../api/routes/vcs/shapes';

import type { CatalogKind, CatalogSort } from '../../../api/routes/search/shapes';
import type { WorkflowStatusName } from '../../../api/routes/activity/shapes';
import type { VcsKind } from '../../../api/routes/vcs/shapes';

// What the dashboard sends: request inputs (the server's zod schemas.ts hold validation code that does not
// belong in the browser, so these mirror their fields).

export interface CatalogSearch {
  q?: string;
  namespace?: string;
  provider?: string;
  kind?: CatalogKind;
  sort?: CatalogSort;
  page?: number;
  perPage?: number;
}

export interface WorkflowFilter {
  kind?: string;
  status?: WorkflowStatusName;
  q?: string;
  pageToken?: string;
}

/** A connection authenticates with a token, or (GitHub only) as a GitHub App installation. */
export type VcsConnectionInput = {
  kind: VcsKind;
  name: string;
  baseUrl?: string;
} & ({ token: string } | { appId: string; privateKey: string; installationId: number });

export interface VcsLinkInput {
  connectionId: string;
  repository: string;
  subdirectory?: string;
  tagPattern?: string;
}

export type { LoggedIn, Me, Session as UserSession, UserSummary } from '../../../api/routes/auth/shapes';
export type { Member, Namespace, Organization } from '../../../api/routes/orgs/shapes';
export type { Team, TeamDetail, TeamMember, TeamNamespaceRole } from '../../../api/routes/teams/shapes';
export type { Webhook, WebhookCreated, WebhookDelivery } from '../../../api/routes/webhooks/shapes';
export type { AuditEntryView as AuditEntry, AuditPage } from '../../../api/routes/audit/shapes';
export type { SsoProvider } from '../../../api/routes/sso/shapes';
export type { CloudCredential, CloudCredentialSaved, CredentialKind, CredentialStatus } from '../../../api/routes/credentials/shapes';

/** `POST /api/v1/orgs/{org}/teams` and the fields `PATCH` may change. */
export interface TeamInput {
  name?: string;
  role?: Role | null;
  ssoGroup?: string | null;
}

/** A team's role on one namespace: `owner` is an organisation's role only. */
export type NamespaceRole = Exclude<Role, 'owner'>;

/** The audit list's filters, as the query string carries them. */
export interface AuditFilter {
  actor?: string;
  action?: string;
  target?: string;
  since?: string;
  until?: string;
  q?: string;
  cursor?: string;
}

/** An organisation role, lowest first. */
export type Role = 'reader' | 'publisher' | 'admin' | 'owner';
/** What an API token may do at most, below its owner's roles. */
export type Scope = 'read' | 'publish' | 'admin';
export type Visibility = 'private' | 'public';

export type { LogLine, Run, Workspace, WorkspaceDetail } from '../../../api/routes/workspaces/shapes';
export type { Deployment } from '../../../api/routes/deployments/shapes';
import type { Run, WorkspaceDetail } from '../../../api/routes/workspaces/shapes';

export type WorkspaceVariable = WorkspaceDetail['variables'][number];
export type RunStatus =
  | 'queued'
  | 'planning'
  | 'awaiting_approval'
  | 'applying'
  | 'applied'
  | 'planned_no_changes'
  | 'planned'
  | 'discarded'
  | 'canceled'
  | 'errored';
export type RunOperation = Run['operation'];
export type Engine = WorkspaceDetail['engine'];
export type Environment = WorkspaceDetail['environment'];

/** Where a workspace's configuration comes from (`POST …/workspaces` `source`). */
export type WorkspaceSourceInput =
  | { kind: 'upload' }
  | { kind: 'module'; namespace: string; name: string; system: string; version?: string };

/** `POST /api/v1/orgs/{org}/workspaces`. */
export interface WorkspaceInput {
  name: string;
  engine?: Engine;
  environment?: Environment;
  autoApply?: boolean;
  tags?: Record<string, string>;
  source?: WorkspaceSourceInput;
}

/** One variable as `PUT …/variables` takes it: a sensitive one without `value` keeps its stored value. */
export interface VariableInput {
  key: string;
  value?: string;
  category: 'terraform' | 'env';
  sensitive?: boolean;
  hcl?: boolean;
}

/** The log search's filters (`GET /api/v1/runs/{id}/logs/search`). */
export interface LogFilter {
  q?: string;
  phase?: 'plan' | 'apply';
  severity?: 'info' | 'warn' | 'error';
}

// The state backend's shapes (api/routes/state/shapes.ts), written out here until that area is merged.
/** One kept version of a workspace's state: metadata only. */
export interface StateVersion {
  id: string;
  serial: number;
  lineage: string;
  sha256: string;
  size: number;
  resources: number;
  createdBy: string | null;
  runId: string | null;
  restoredFrom: string | null;
  createdAt: string;
}

/** What changed between two state versions: addresses and attribute paths, never values. */
export interface StateDiff {
  from: StateVersion;
  to: StateVersion;
  added: string[];
  removed: string[];
  changed: { address: string; attributes: string[] }[];
  outputs: { added: string[]; removed: string[]; changed: string[] };
}
export type { PluginAccessRequest, PluginDetail, PluginInputProperty, PluginInputSchema, PluginSummary, PluginVersion } from '../../../api/routes/plugins/shapes';
