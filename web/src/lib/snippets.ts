import type { ModuleInput } from './types';

/**
 * The version constraint a consumer should write: `~> MAJOR.MINOR` from 1.0 on (any compatible update),
 * `~> 0.MINOR.PATCH` before 1.0 (where a minor release may break), and the exact version for a pre-release
 * (clients choose pre-releases only when pinned exactly).
 */
export function versionConstraint(version: string): string {
  const m = /^(\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.exec(version);
  if (!m) return version;
  const [, major, minor, patch, pre] = m;
  if (pre) return version.replace(/\+.*$/, '');
  return major === '0' ? `~> 0.${minor}.${patch}` : `~> ${major}.${minor}`;
}

/** A valid block label / identifier from a module or provider name (`my-vpc` → `my_vpc`). */
export function identifier(name: string): string {
  const id = name.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[A-Za-z_]/.test(id) ? id : `m_${id}`;
}

function placeholder(type: string | null): string {
  const t = (type ?? '').replace(/\s+/g, '');
  if (t === 'string') return '""';
  if (t === 'number') return '0';
  if (t === 'bool') return 'false';
  if (/^(list|set|tuple)\(/.test(t)) return '[]';
  if (/^(map|object)\(/.test(t)) return '{}';
  return 'null';
}

/**
 * The copy-ready `module` block: registry source (with `//modules/x` for a submodule), a `~>` constraint, and
 * every required input with a placeholder of its type.
 */
export function moduleSnippet(input: {
  host: string;
  namespace: string;
  name: string;
  system: string;
  version: string;
  /** `modules/x` for a submodule; examples are not sources. */
  unitPath?: string | null;
  inputs?: Pick<ModuleInput, 'name' | 'type' | 'required' | 'description'>[];
}): string {
  const sub = input.unitPath ? `//${input.unitPath}` : '';
  const label = identifier(input.unitPath ? input.unitPath.split('/').pop()! : input.name);
  const lines = [
    `module "${label}" {`,
    `  source  = "${input.host}/${input.namespace}/${input.name}/${input.system}${sub}"`,
    `  version = "${versionConstraint(input.version)}"`,
  ];
  const required = (input.inputs ?? []).filter((i) => i.required);
  if (required.length) {
    lines.push('');
    const width = Math.max(...required.map((i) => i.name.length));
    for (const i of required) lines.push(`  ${i.name.padEnd(width)} = ${placeholder(i.type)}${i.type ? ` # ${i.type}` : ''}`);
  }
  lines.push('}');
  return lines.join('\n');
}

/** The `required_providers` entry for a hosted provider. */
export function requiredProvidersSnippet(input: { host: string; namespace: string; type: string; version: string }): string {
  return [
    'terraform {',
    '  required_providers {',
    `    ${identifier(input.type)} = {`,
    `      source  = "${input.host}/${input.namespace}/${input.type}"`,
    `      version = "${versionConstraint(input.version)}"`,
    '    }',
    '  }',
    '}',
  ].join('\n');
}

/**
 * CLI configuration (`~/.terraformrc`, `~/.tofurc`) installing this registry's providers through its network
 * mirror, and every other provider directly from its origin registry. The mirror needs HTTPS.
 */
export function networkMirrorSnippet(input: { origin: string; host: string }): string {
  const url = `${input.origin.replace(/^http:/, 'https:')}/v1/mirror/`;
  return [
    'provider_installation {',
    '  network_mirror {',
    `    url     = "${url}"`,
    `    include = ["${input.host}/*/*"]`,
    '  }',
    '  direct {',
    `    exclude = ["${input.host}/*/*"]`,
    '  }',
    '}',
  ].join('\n');
}
