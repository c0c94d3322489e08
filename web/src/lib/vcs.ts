// Pure helpers of the VCS pages: provider facts, how to read a delivery result, ordering the tag preview,
// guessing a module address from a repository, and what to paste where when a webhook must be set up by hand.
import { compareVersions } from '../../../core/registry/latest-version';
import type { SyncVcsLinkResult } from '../../../workflows/vcs/types';
import type { VcsConnectionStatus, VcsDeliveryResult, VcsKind, VcsTagPreview } from './types';

export type Tone = 'ok' | 'bad' | 'warn' | 'run' | 'neutral';

export interface VcsKindInfo {
  kind: VcsKind;
  label: string;
  /** Placeholder of the base URL field; the hint says when it can be left empty. */
  baseUrlPlaceholder: string;
  baseUrlHint: string;
  baseUrlRequired: boolean;
  tokenHint: string;
  /** How this provider names a repository. */
  repositoryShape: string;
}

export const VCS_KINDS: readonly VcsKindInfo[] = [
  {
    kind: 'github',
    label: 'GitHub',
    baseUrlPlaceholder: 'https://api.github.com',
    baseUrlHint: 'Leave empty for github.com; GitHub Enterprise Server: https://github.example.com/api/v3.',
    baseUrlRequired: false,
    tokenHint: 'A token that can read the repositories (contents) and, to install webhooks itself, manage their hooks.',
    repositoryShape: 'owner/repo',
  },
  {
    kind: 'gitlab',
    label: 'GitLab',
    baseUrlPlaceholder: 'https://gitlab.com',
    baseUrlHint: 'Leave empty for gitlab.com, or the address of your self-managed GitLab.',
    baseUrlRequired: false,
    tokenHint: 'A personal, group or project access token with the read_api scope (api to install webhooks).',
    repositoryShape: 'group/project',
  },
  {
    kind: 'azure-devops',
    label: 'Azure DevOps',
    baseUrlPlaceholder: 'https://dev.azure.com/your-organisation',
    baseUrlHint: 'The organisation URL.',
    baseUrlRequired: true,
    tokenHint: 'A personal access token with Code (Read) and, to install service hooks, Service Hooks (Read & write).',
    repositoryShape: 'project/repo',
  },
];

export function vcsKindInfo(kind: string): VcsKindInfo | undefined {
  return VCS_KINDS.find((k) => k.kind === kind);
}

export function vcsKindLabel(kind: string): string {
  return vcsKindInfo(kind)?.label ?? kind;
}

export function connectionTone(status: VcsConnectionStatus): Tone {
  return status === 'valid' ? 'ok' : status === 'invalid' ? 'bad' : 'run';
}

const deliveryOutcomes: Record<VcsDeliveryResult, { label: string; tone: Tone }> = {
  started: { label: 'started', tone: 'run' },
  'in-progress': { label: 'in progress', tone: 'run' },
  published: { label: 'published', tone: 'ok' },
  unchanged: { label: 'already published', tone: 'neutral' },
  ignored: { label: 'ignored', tone: 'neutral' },
  'not-a-release': { label: 'not a release tag', tone: 'neutral' },
  'tag-missing': { label: 'tag missing', tone: 'warn' },
  violation: { label: 'tag moved', tone: 'bad' },
  failed: { label: 'failed', tone: 'bad' },
};

/** A delivery's result in words and colour; unknown results (a newer server) show as they are. */
export function deliveryOutcome(result: string): { label: string; tone: Tone } {
  return deliveryOutcomes[result as VcsDeliveryResult] ?? { label: result, tone: 'neutral' };
}

export interface TagPreview {
  /** Release tags first, newest version first; then the tags the pattern ignores, by name. */
  tags: VcsTagPreview[];
  releases: number;
  ignored: number;
  /** Versions that more than one tag maps to (`v1.0.0` and `1.0.0`): only one of them can be published. */
  clashes: string[];
}

export function previewTags(tags: readonly VcsTagPreview[]): TagPreview {
  const releases = tags.filter((t) => t.version !== null);
  const others = tags.filter((t) => t.version === null);
  releases.sort((a, b) => compareVersions(b.version!, a.version!) || a.name.localeCompare(b.name));
  others.sort((a, b) => a.name.localeCompare(b.name));
  const seen = new Map<string, number>();
  for (const t of releases) seen.set(t.version!, (seen.get(t.version!) ?? 0) + 1);
  const clashes = [...seen].filter(([, n]) => n > 1).map(([v]) => v);
  return { tags: [...releases, ...others], releases: releases.length, ignored: others.length, clashes };
}

export interface ModuleAddress {
  namespace: string;
  name: string;
  system: string;
}

const NAME = /^[0-9A-Za-z](?:[0-9A-Za-z_-]{0,62}[0-9A-Za-z])?$/;
const SYSTEM = /^[0-9a-z]{1,64}$/;

/** Turns free text into a registry name: other characters become `-`, and it starts and ends alphanumeric. */
function asName(text: string): string {
  return text.replace(/[^0-9A-Za-z_-]+/g, '-').replace(/^[-_]+|[-_]+$/g, '').slice(0, 64).replace(/[-_]+$/, '');
}

/**
 * A module address guessed from where the code lives, following the `terraform-<system>-<name>` repository
 * convention: `acme/terraform-aws-network` → acme/network/aws. A subdirectory names the module
 * (`modules/vpc` → vpc). Fields that cannot be guessed stay empty for the user to fill.
 */
export function suggestModuleAddress(repository: string, subdirectory = ''): ModuleAddress {
  const parts = repository.split('/').filter(Boolean);
  const namespace = asName(parts[0] ?? '');
  const repo = parts[parts.length - 1] ?? '';
  const conventional = /^terraform-([0-9a-z]{1,64})-(.+)$/.exec(repo);
  const dir = subdirectory.split('/').filter(Boolean).pop();
  const name = asName(dir ?? (conventional ? conventional[2]! : repo));
  return { namespace, name, system: conventional ? conventional[1]! : '' };
}

/** What is wrong with each part of a module address, in words; empty when it is fine. */
export function moduleAddressProblems(a: ModuleAddress): Partial<Record<keyof ModuleAddress, string>> {
  const problems: Partial<Record<keyof ModuleAddress, string>> = {};
  for (const field of ['namespace', 'name'] as const) {
    const value = a[field].trim();
    if (!value) problems[field] = 'required';
    else if (!NAME.test(value)) problems[field] = 'letters, digits, - and _ only, starting and ending with a letter or digit (at most 64)';
  }
  const system = a.system.trim();
  if (!system) problems.system = 'required';
  else if (!SYSTEM.test(system)) problems.system = 'lowercase letters and digits only, like aws or azurerm';
  return problems;
}

/** Where the webhook URL and secret go when Strata could not install the webhook itself. */
export function webhookInstructions(kind: VcsKind, repository: string): string[] {
  switch (kind) {
    case 'github':
      return [
        `In GitHub, open ${repository} → Settings → Webhooks → Add webhook.`,
        'Payload URL: the webhook URL below. Content type: application/json.',
        'Secret: the secret below.',
        'Which events: "Just the push event". Keep it active and save.',
      ];
    case 'gitlab':
      return [
        `In GitLab, open ${repository} → Settings → Webhooks → Add new webhook.`,
        'URL: the webhook URL below. Secret token: the secret below.',
        'Trigger: "Tag push events". Save the webhook.',
      ];
    case 'azure-devops':
      return [
        `In Azure DevOps, open the project of ${repository} → Project settings → Service hooks → Create subscription → Web Hooks.`,
        'Trigger on "Code pushed" for this repository.',
        'URL: the webhook URL below. Basic authentication: the user name and the secret below as password.',
      ];
  }
}

const detectors: Record<string, string> = {
  webhook: 'a webhook',
  manual: 'a manual sync',
  backfill: 'the backfill when linking',
  reconcile: 'the periodic check',
};

/** Who noticed a moved tag, as a phrase: "Found by a manual sync". */
export function detectedByLabel(detectedBy: string): string {
  return detectors[detectedBy] ?? detectedBy;
}

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** One sentence about a finished sync (or backfill); null when the result is not a sync result. */
export function syncSummary(result: unknown): string | null {
  const r = result as Partial<SyncVcsLinkResult> | null | undefined;
  if (!r || typeof r !== 'object' || typeof r.releaseTags !== 'number') return null;
  const o = r.outcomes ?? {};
  const parts: string[] = [];
  if (o.published) parts.push(`${o.published} published`);
  if (o.violation) parts.push(`${count(o.violation, 'tag')} moved since publishing (nothing republished)`);
  if (r.failed) parts.push(`${r.failed} failed (see their workflows)`);
  if (r.alreadyRunning) parts.push(`${r.alreadyRunning} already being published`);
  return `Checked ${count(r.releaseTags, 'release tag')}: ${parts.length ? parts.join(', ') : 'nothing new to publish'}.`;
}
