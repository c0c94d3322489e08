import type { ConfigDocument } from './parse-config';
import type { ModuleCall, ModuleInput, ModuleOutput, ModuleResource, ModuleUnit, ProviderRequirement } from './types';

type Body = Record<string, unknown>;

/** A parsed file and whether it is an override file (`override.tf`, `*_override.tf`), applied last. */
export interface ParsedFile {
  document: ConfigDocument;
  override: boolean;
}

export type Declarations = Pick<ModuleUnit, 'inputs' | 'outputs' | 'providerRequirements' | 'resources' | 'moduleCalls'>;

const isBody = (value: unknown): value is Body => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Code-unit order, so results do not depend on the host's locale. */
export const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Block bodies: hcl2json gives a list per label; `.tf.json` may give one object or a list. */
function bodies(value: unknown): Body[] {
  if (Array.isArray(value)) return value.filter(isBody);
  return isBody(value) ? [value] : [];
}

/** `label → bodies` pairs of a labelled block type, skipping `.tf.json` `"//"` comment keys. */
function labelled(value: unknown): Array<[string, Body[]]> {
  if (!isBody(value)) return [];
  return Object.entries(value)
    .filter(([label]) => label !== '//')
    .map(([label, body]) => [label, bodies(body)]);
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/**
 * The source text of an expression. hcl2json renders a non-literal expression as `${…}` holding the
 * original text; `.tf.json` writes type constraints bare. Continuation lines keep their relative indent.
 */
export function expressionText(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const inner = (/^\$\{([\s\S]*)\}$/.exec(value)?.[1] ?? value).trim();
  const [first = '', ...rest] = inner.split('\n');
  const indent = (line: string) => line.length - line.trimStart().length;
  const cut = Math.min(...rest.filter((line) => line.trim() !== '').map(indent));
  return [first, ...rest.map((line) => line.slice(Math.min(cut, indent(line))))].join('\n');
}

/** Merges same-named blocks: the first declaration wins, then override files patch its attributes. */
function mergeBlocks(files: ParsedFile[], blockType: string): Map<string, Body> {
  const merged = new Map<string, Body>();
  for (const { document, override } of files) {
    for (const [label, list] of labelled(document[blockType])) {
      for (const body of list) {
        const existing = merged.get(label);
        if (!existing) merged.set(label, { ...body });
        else if (override) Object.assign(existing, body);
      }
    }
  }
  return merged;
}

function inputs(files: ParsedFile[]): ModuleInput[] {
  return [...mergeBlocks(files, 'variable')].map(([name, body]) => ({
    name,
    type: expressionText(body.type),
    description: text(body.description)?.trimEnd() ?? null,
    default: 'default' in body ? body.default : null,
    required: !('default' in body),
    sensitive: body.sensitive === true || body.sensitive === 'true',
  }));
}

function outputs(files: ParsedFile[]): ModuleOutput[] {
  return [...mergeBlocks(files, 'output')].map(([name, body]) => ({
    name,
    description: text(body.description)?.trimEnd() ?? null,
    sensitive: body.sensitive === true || body.sensitive === 'true',
  }));
}

function moduleCalls(files: ParsedFile[]): ModuleCall[] {
  return [...mergeBlocks(files, 'module')].map(([name, body]) => ({
    name,
    source: text(body.source),
    version: text(body.version),
  }));
}

function resources(files: ParsedFile[]): ModuleResource[] {
  const found = new Map<string, ModuleResource>();
  for (const { document } of files) {
    for (const [blockType, mode] of [['resource', 'managed'], ['data', 'data']] as const) {
      // resource → type → name → bodies; only the two labels matter here.
      for (const [type, byName] of labelled(document[blockType])) {
        for (const name of byName.flatMap((names) => Object.keys(names)).filter((name) => name !== '//')) {
          found.set(`${mode}.${type}.${name}`, { type, name, mode });
        }
      }
    }
  }
  return [...found.values()].sort(
    (a, b) => byCodeUnits(a.mode, b.mode) || byCodeUnits(a.type, b.type) || byCodeUnits(a.name, b.name),
  );
}

function providerRequirements(files: ParsedFile[]): ProviderRequirement[] {
  const found = new Map<string, ProviderRequirement>();
  const require = (name: string) => {
    const existing = found.get(name) ?? { name, source: null, versionConstraints: [] };
    found.set(name, existing);
    return existing;
  };
  const constrain = (requirement: ProviderRequirement, version: unknown) => {
    const constraint = text(version)?.trim();
    if (constraint && !requirement.versionConstraints.includes(constraint)) {
      requirement.versionConstraints.push(constraint);
    }
  };
  for (const { document, override } of files) {
    for (const terraform of bodies(document.terraform)) {
      for (const block of bodies(terraform.required_providers)) {
        for (const [name, value] of Object.entries(block)) {
          if (name === '//') continue;
          if (override) found.delete(name);
          const requirement = require(name);
          // The legacy form `aws = ">= 5.0"` is a bare version constraint.
          if (typeof value === 'string') constrain(requirement, value);
          else if (isBody(value)) {
            requirement.source ??= text(value.source);
            constrain(requirement, value.version);
          }
        }
      }
    }
  }
  // A configured provider with no requirement still needs installing; a pre-0.13 `version` argument counts.
  for (const { document } of files) {
    for (const [name, list] of labelled(document.provider)) {
      const requirement = require(name);
      for (const body of list) constrain(requirement, body.version);
    }
  }
  return [...found.values()].sort((a, b) => byCodeUnits(a.name, b.name));
}

/** Everything a module directory declares, each list sorted so identical inputs give identical output. */
export function declarations(files: ParsedFile[]): Declarations {
  const byName = <T extends { name: string }>(list: T[]) => list.sort((a, b) => byCodeUnits(a.name, b.name));
  const ordered = [...files.filter((f) => !f.override), ...files.filter((f) => f.override)];
  return {
    inputs: byName(inputs(ordered)),
    outputs: byName(outputs(ordered)),
    providerRequirements: providerRequirements(ordered),
    resources: resources(ordered),
    moduleCalls: byName(moduleCalls(ordered)),
  };
}
