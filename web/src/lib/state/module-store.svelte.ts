import { ApiError } from '../api';
import { latestVersion } from '../../../../core/registry/latest-version';
import type { ModuleDetail, ModuleUnit, ModuleVersion } from '../types';
import { Loader } from './loader.svelte';
import { api } from './session.svelte';

// Switching versions or submodules re-renders the page: keep the last module for a moment instead of
// fetching a 1,000-version module again. A plain Map on purpose: filling the cache must not re-render anything.
// eslint-disable-next-line svelte/prefer-svelte-reactivity
const cache = new Map<string, { at: number; data: ModuleDetail }>();
const FRESH_MS = 30_000;
// A few modules at most: a long browsing session must not keep every module it ever opened.
const KEEP = 8;

function remember(key: string, data: ModuleDetail): void {
  cache.delete(key);
  cache.set(key, { at: Date.now(), data });
  for (const oldest of cache.keys()) {
    if (cache.size <= KEEP) break;
    cache.delete(oldest);
  }
}

/** A module page: the module (all versions), the chosen version and unit, and the download series. */
export class ModuleStore {
  readonly module = new Loader<ModuleDetail>();
  readonly downloads = new Loader<{ days: { day: string; count: number }[]; total: number }>();
  readonly address: { namespace: string; name: string; system: string };
  readonly requestedVersion: string | null;
  readonly requestedUnit: string | null;

  constructor(address: { namespace: string; name: string; system: string }, requestedVersion: string | null, requestedUnit: string | null) {
    this.address = address;
    this.requestedVersion = requestedVersion;
    this.requestedUnit = requestedUnit;
  }

  latest: string | null = $derived(this.module.data ? latestVersion(this.module.data.versions.map((v) => v.version)) : null);

  /** The version shown: the one in the URL, else the latest. */
  version: ModuleVersion | null = $derived.by(() => {
    const data = this.module.data;
    if (!data) return null;
    const wanted = this.requestedVersion ?? this.latest;
    return data.versions.find((v) => v.version === wanted) ?? null;
  });

  /** The root module, or the submodule/example named in the URL. */
  unit: ModuleUnit | null = $derived.by(() => {
    const analysis = this.version?.analysis;
    if (!analysis) return null;
    if (!this.requestedUnit) return analysis.root;
    return [...analysis.submodules, ...analysis.examples].find((u) => u.path === this.requestedUnit) ?? null;
  });

  load(): void {
    const { namespace, name, system } = this.address;
    const key = `${namespace}/${name}/${system}`.toLowerCase();
    const hit = cache.get(key);
    void this.module.load(async (signal) => {
      if (hit && Date.now() - hit.at < FRESH_MS) return hit.data;
      const data = await api.module(namespace, name, system, signal);
      remember(key, data);
      return data;
    });
    void this.downloads.load((signal) => api.moduleDownloads(namespace, name, system, 90, signal));
  }

  /** Reads the module again past the cache (new versions arrived), keeping the page on screen meanwhile. */
  reload(): void {
    const { namespace, name, system } = this.address;
    const key = `${namespace}/${name}/${system}`.toLowerCase();
    cache.delete(key);
    void this.module.load(async (signal) => {
      const data = await api.module(namespace, name, system, signal);
      remember(key, data);
      return data;
    }, { keep: true });
  }

  /** A readable reason when the URL names a version or unit that does not exist. */
  problem: ApiError | null = $derived.by(() => {
    if (!this.module.data) return null;
    if (!this.version && !this.requestedVersion && !this.module.data.versions.length) return null;
    if (!this.version) return new ApiError(404, 'version_not_found', `version ${this.requestedVersion} of this module does not exist`);
    if (this.requestedUnit && !this.unit) return new ApiError(404, 'unit_not_found', `${this.requestedUnit} is not part of version ${this.version.version}`);
    return null;
  });
}
