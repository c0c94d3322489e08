import { resourceInstances, stateOutputs, type StateDocument } from './state-file';

/**
 * What changed between two states, resource by resource: addresses added and removed, and for resources in both
 * the attribute paths whose values differ. It names paths only, never values, so a diff can be shown to whoever
 * may read a workspace without revealing a secret held in its state.
 */
export interface StateDiff {
  added: string[];
  removed: string[];
  changed: { address: string; attributes: string[] }[];
  outputs: { added: string[]; removed: string[]; changed: string[] };
}

/** Attribute paths listed per changed resource at most (a replaced 10,000-element list is one line of interest). */
const MAX_PATHS = 100;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const step = (path: string, key: string) => (IDENTIFIER.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`);

/** Paths (`tags.env`, `ingress[0].cidr_blocks[1]`) where `a` and `b` differ; a whole value when its type differs. */
function changedPaths(a: unknown, b: unknown, path: string, out: string[]): void {
  if (out.length >= MAX_PATHS || a === b) return;
  const bothArrays = Array.isArray(a) && Array.isArray(b);
  const bothObjects = !bothArrays && a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b);
  if (bothArrays) {
    const [x, y] = [a as unknown[], b as unknown[]];
    for (let i = 0; i < Math.max(x.length, y.length); i++) changedPaths(x[i], y[i], `${path}[${i}]`, out);
  } else if (bothObjects) {
    const [x, y] = [a as Record<string, unknown>, b as Record<string, unknown>];
    for (const key of [...new Set([...Object.keys(x), ...Object.keys(y)])].sort()) changedPaths(x[key], y[key], step(path, key), out);
  } else if (JSON.stringify(a) !== JSON.stringify(b)) {
    out.push(path || '(all attributes)');
  }
}

const sameValue = (a: unknown, b: unknown) => {
  const paths: string[] = [];
  changedPaths(a, b, '', paths);
  return paths.length === 0;
};

/** The changes from state `from` to state `to`. */
export function diffStates(from: StateDocument, to: StateDocument): StateDiff {
  const [before, after] = [resourceInstances(from), resourceInstances(to)];
  const added = [...after.keys()].filter((a) => !before.has(a)).sort();
  const removed = [...before.keys()].filter((a) => !after.has(a)).sort();
  const changed: StateDiff['changed'] = [];
  for (const address of [...after.keys()].filter((a) => before.has(a)).sort()) {
    const attributes: string[] = [];
    changedPaths(before.get(address), after.get(address), '', attributes);
    if (attributes.length) changed.push({ address, attributes });
  }
  const [outBefore, outAfter] = [stateOutputs(from), stateOutputs(to)];
  return {
    added,
    removed,
    changed,
    outputs: {
      added: [...outAfter.keys()].filter((k) => !outBefore.has(k)).sort(),
      removed: [...outBefore.keys()].filter((k) => !outAfter.has(k)).sort(),
      changed: [...outAfter.keys()].filter((k) => outBefore.has(k) && !sameValue(outBefore.get(k), outAfter.get(k))).sort(),
    },
  };
}
