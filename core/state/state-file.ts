import { Invalid } from '../errors';

/**
 * Reading Terraform/OpenTofu state files (format version 4, what Terraform ≥ 0.12 and every OpenTofu write), as far
 * as Strata needs: serial and lineage to order versions, resource instances to count and diff them. A state that
 * OpenTofu encrypted on the client shows only its serial and lineage; its content stays opaque to Strata.
 */

export interface ParsedState {
  serial: number;
  lineage: string;
  /** Encrypted by the client (OpenTofu state encryption): no resources can be read. */
  encrypted: boolean;
  /** Instances of managed resources (data sources are not counted). */
  resourceCount: number;
  document: StateDocument;
}

export interface StateDocument {
  version?: unknown;
  serial?: unknown;
  lineage?: unknown;
  resources?: unknown;
  outputs?: unknown;
  encryption_version?: unknown;
  [key: string]: unknown;
}

interface StateResource {
  module?: string;
  mode?: string;
  type?: string;
  name?: string;
  instances?: { index_key?: string | number; attributes?: unknown; attributes_flat?: unknown }[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses and checks a state file as a client sent it.
 * @throws Invalid `state_invalid` when it is not UTF-8 JSON with a version 4 layout, a serial and a lineage
 */
export function parseStateFile(bytes: Uint8Array): ParsedState {
  let document: unknown;
  try {
    document = JSON.parse(utf8.decode(bytes));
  } catch {
    throw new Invalid('the state is not a UTF-8 JSON document', 'state_invalid');
  }
  if (!document || typeof document !== 'object' || Array.isArray(document)) throw new Invalid('the state must be a JSON object', 'state_invalid');
  const doc = document as StateDocument;
  if (typeof doc.serial !== 'number' || !Number.isSafeInteger(doc.serial) || doc.serial < 0) {
    throw new Invalid('the state has no valid "serial" (a non-negative integer)', 'state_invalid');
  }
  if (typeof doc.lineage !== 'string' || doc.lineage.length === 0 || doc.lineage.length > 256) {
    throw new Invalid('the state has no valid "lineage"', 'state_invalid');
  }
  const encrypted = typeof doc.encryption_version === 'string';
  if (!encrypted && doc.version !== 4) {
    throw new Invalid('only state format version 4 is accepted (Terraform ≥ 0.12 and OpenTofu write it)', 'state_invalid');
  }
  if (doc.resources !== undefined && !Array.isArray(doc.resources)) throw new Invalid('"resources" of the state must be an array', 'state_invalid');
  let resourceCount = 0;
  for (const r of resourcesOf(doc)) if (r.mode === 'managed') resourceCount += Array.isArray(r.instances) ? r.instances.length : 0;
  return { serial: doc.serial, lineage: doc.lineage, encrypted, resourceCount, document: doc };
}

function resourcesOf(doc: StateDocument): StateResource[] {
  return Array.isArray(doc.resources) ? (doc.resources.filter((r) => r && typeof r === 'object') as StateResource[]) : [];
}

/** `module.net.aws_subnet.this["a"]`, `data.aws_ami.ubuntu`, `terraform_data.x[0]`: the address `state list` prints. */
function instanceAddress(r: StateResource, indexKey: string | number | undefined): string {
  const prefix = r.module ? `${r.module}.` : '';
  const mode = r.mode === 'data' ? 'data.' : '';
  const index = indexKey === undefined ? '' : typeof indexKey === 'number' ? `[${indexKey}]` : `[${JSON.stringify(indexKey)}]`;
  return `${prefix}${mode}${String(r.type)}.${String(r.name)}${index}`;
}

/** Every resource instance of the state by address, with its attributes. */
export function resourceInstances(doc: StateDocument): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const r of resourcesOf(doc)) {
    for (const instance of Array.isArray(r.instances) ? r.instances : []) {
      if (!instance || typeof instance !== 'object') continue;
      out.set(instanceAddress(r, instance.index_key), instance.attributes ?? instance.attributes_flat ?? null);
    }
  }
  return out;
}

/** The state's root outputs by name (their values, for comparison only). */
export function stateOutputs(doc: StateDocument): Map<string, unknown> {
  const outputs = doc.outputs && typeof doc.outputs === 'object' ? (doc.outputs as Record<string, unknown>) : {};
  return new Map(Object.entries(outputs));
}
