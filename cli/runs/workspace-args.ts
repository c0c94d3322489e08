import type { WorkspaceDetail } from '../../api/routes/workspaces/shapes';
import { UsageError } from '../errors';

/** A variable as `PUT …/variables` takes it: a sensitive one without `value` keeps its stored value. */
export interface VariableUpdate {
  key: string;
  category: 'terraform' | 'env';
  value?: string;
  sensitive?: boolean;
  hcl?: boolean;
}

type WorkspaceVariable = WorkspaceDetail['variables'][number];

export const ENGINES = ['tofu', 'terraform'] as const;
export const ENVIRONMENTS = ['development', 'staging', 'production'] as const;

/** One of `allowed`, or a {@link UsageError} naming the option and the choices. */
export function oneOf<const T extends string>(option: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${option} must be one of ${allowed.join(', ')}, not ${JSON.stringify(value)}`);
  return value as T;
}

/** `KEY=VALUE` split at the first `=`; the value may be empty or hold more `=`. */
export function parseAssignment(text: string, what: string): { key: string; value: string } {
  const at = text.indexOf('=');
  if (at <= 0) throw new UsageError(`${what} ${JSON.stringify(text)} is not KEY=VALUE`);
  return { key: text.slice(0, at), value: text.slice(at + 1) };
}

/** Repeated `--tag k=v` options as the API's tag map; a key given twice is refused rather than one silently winning. */
export function parseTags(list: readonly string[] | undefined): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const item of list ?? []) {
    const { key, value } = parseAssignment(item, '--tag');
    const k = key.trim();
    if (Object.hasOwn(tags, k)) throw new UsageError(`--tag ${k} is given twice`);
    if (!value.trim()) throw new UsageError(`--tag ${k} needs a value`);
    tags[k] = value.trim();
  }
  return tags;
}

/**
 * `--module ns/name/system@constraint` as a workspace source of the registry's module at that version
 * constraint (`ns/name/system` alone means any version).
 */
export function parseModuleSource(text: string): { kind: 'module'; namespace: string; name: string; system: string; version: string } {
  const at = text.indexOf('@');
  const address = (at === -1 ? text : text.slice(0, at)).trim();
  const version = at === -1 ? '*' : text.slice(at + 1).trim();
  const parts = address.split('/');
  if (parts.length !== 3 || parts.some((p) => p === '')) {
    throw new UsageError(`--module ${JSON.stringify(text)} is not namespace/name/system[@constraint], e.g. acme/network/aws@~>1.2`);
  }
  if (!version) throw new UsageError(`--module ${JSON.stringify(text)} has an empty version constraint after "@"`);
  const [namespace, name, system] = parts as [string, string, string];
  return { kind: 'module', namespace, name, system, version };
}

/**
 * The full variable list to PUT: the workspace's current variables with `updates` replacing those of the same
 * key and category, others kept in their order and new ones appended. Stored sensitive values are never known to
 * the client, so they are sent without a value, which tells the API to keep them.
 */
export function mergeVariables(current: readonly WorkspaceVariable[], updates: readonly VariableUpdate[]): VariableUpdate[] {
  const id = (v: { key: string; category: string }) => `${v.category}:${v.key}`;
  const replaced = new Map(updates.map((u) => [id(u), u]));
  const kept: VariableUpdate[] = current.map((v) => {
    const update = replaced.get(id(v));
    if (update) {
      replaced.delete(id(v));
      return update;
    }
    if (v.sensitive) return { key: v.key, category: v.category, sensitive: true, hcl: v.hcl };
    return { key: v.key, category: v.category, value: v.value ?? '', sensitive: false, hcl: v.hcl };
  });
  return [...kept, ...replaced.values()];
}
