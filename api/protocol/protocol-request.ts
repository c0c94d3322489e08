/**
 * A protocol read, reduced to the identity of what it answers. The response cache keys on `key` and the
 * builders see only these canonical fields, so an answer is a function of its key and nothing else.
 *
 * Identity follows the protocols (PROTOCOLS.md): namespaces, module names and provider types are matched
 * case-insensitively and the module system is stored lowercased, so they are lowercased here; versions,
 * operating systems and architectures are matched exactly (`1.0.0-RC1` and `1.0.0-rc1` are two versions);
 * mirror origin hostnames are case-insensitive.
 */
export type ProtocolRequest =
  | { kind: 'discovery'; key: string }
  | { kind: 'module-versions'; key: string; namespace: string; name: string; system: string }
  | { kind: 'module-download'; key: string; namespace: string; name: string; system: string; version: string }
  | { kind: 'provider-versions'; key: string; namespace: string; type: string }
  | { kind: 'provider-download'; key: string; namespace: string; type: string; version: string; os: string; arch: string }
  | { kind: 'mirror-index'; key: string; hostname: string; namespace: string; type: string }
  | { kind: 'mirror-version'; key: string; hostname: string; namespace: string; type: string; version: string };

export const DISCOVERY_PATH = '/.well-known/terraform.json';

// Control characters can never be part of an address, so one can separate the fields of a key unambiguously.
// Node's HTTP parser refuses them raw in a request line; they can only arrive percent-encoded.
const SEP = '\u0000';
// eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects
const CONTROL = /[\u0000-\u001f\u007f]/;

function segments(path: string): string[] | null {
  const raw = path.slice(4).split('/');
  if (!path.includes('%')) return raw; // the common case: nothing to decode
  for (let i = 0; i < raw.length; i++) {
    const s = raw[i]!;
    if (!s.includes('%')) continue;
    try {
      raw[i] = decodeURIComponent(s);
    } catch {
      return null;
    }
    if (CONTROL.test(raw[i]!)) return null;
  }
  return raw;
}

/** The protocol read a request path names, or null when the path is not one (it then goes to the Koa app). */
export function parseProtocolPath(path: string): ProtocolRequest | null {
  if (path === DISCOVERY_PATH) return { kind: 'discovery', key: 'discovery' };
  if (!path.startsWith('/v1/')) return null;
  const seg = segments(path);
  if (!seg) return null;
  const area = seg[0];
  const n = seg.length;
  if (area === 'modules') {
    if (n === 5 && seg[4] === 'versions') {
      const namespace = seg[1]!.toLowerCase();
      const name = seg[2]!.toLowerCase();
      const system = seg[3]!.toLowerCase();
      return { kind: 'module-versions', key: `mv${SEP}${namespace}${SEP}${name}${SEP}${system}`, namespace, name, system };
    }
    if (n === 6 && seg[5] === 'download') {
      const namespace = seg[1]!.toLowerCase();
      const name = seg[2]!.toLowerCase();
      const system = seg[3]!.toLowerCase();
      const version = seg[4]!;
      return { kind: 'module-download', key: `md${SEP}${namespace}${SEP}${name}${SEP}${system}${SEP}${version}`, namespace, name, system, version };
    }
  } else if (area === 'providers') {
    if (n === 4 && seg[3] === 'versions') {
      const namespace = seg[1]!.toLowerCase();
      const type = seg[2]!.toLowerCase();
      return { kind: 'provider-versions', key: `pv${SEP}${namespace}${SEP}${type}`, namespace, type };
    }
    if (n === 7 && seg[4] === 'download') {
      const namespace = seg[1]!.toLowerCase();
      const type = seg[2]!.toLowerCase();
      const version = seg[3]!;
      const os = seg[5]!;
      const arch = seg[6]!;
      return { kind: 'provider-download', key: `pd${SEP}${namespace}${SEP}${type}${SEP}${version}${SEP}${os}${SEP}${arch}`, namespace, type, version, os, arch };
    }
  } else if (area === 'mirror' && n === 5) {
    const hostname = seg[1]!.toLowerCase();
    const namespace = seg[2]!.toLowerCase();
    const type = seg[3]!.toLowerCase();
    const file = seg[4]!;
    if (file === 'index.json') return { kind: 'mirror-index', key: `mi${SEP}${hostname}${SEP}${namespace}${SEP}${type}`, hostname, namespace, type };
    if (file.endsWith('.json')) {
      const version = file.slice(0, -'.json'.length);
      return { kind: 'mirror-version', key: `mj${SEP}${hostname}${SEP}${namespace}${SEP}${type}${SEP}${version}`, hostname, namespace, type, version };
    }
  }
  return null;
}
