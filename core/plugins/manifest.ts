import semver from 'semver';
import { NAME } from '../registry/names';
import { inputSchemaProblem, type InputSchema } from './input-schema';

/** The file at the root of a plugin ZIP that describes it. */
export const MANIFEST_FILE = 'strata-plugin.json';
/** The program files a plugin may have at its root: exactly one of them. */
export const ENTRY_FILES = ['index.js', 'index.ts'] as const;
export type PluginEntry = (typeof ENTRY_FILES)[number];
/** Manifests larger than this are refused (the inputs schema is read into memory). */
export const MAX_MANIFEST_BYTES = 256 * 1024;

export interface PluginManifest {
  name: string;
  version: string;
  description: string;
  inputs: InputSchema;
}

/** Why a manifest is refused: a stable code and a message the publisher can act on. */
export class ManifestProblem extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

const KEYS = new Set(['name', 'version', 'description', 'inputs']);

/**
 * Parses and checks `strata-plugin.json`: `name` a catalogue name (equal to `expectedName` when given), `version`
 * plain semver (no "v"), `description` a string, `inputs` a JSON Schema of type object ({@link inputSchemaProblem}).
 * @throws ManifestProblem `plugin_manifest_invalid`, `plugin_name_mismatch`, `plugin_version_invalid`, `plugin_inputs_invalid`
 */
export function parseManifest(text: string, expectedName?: string): PluginManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ManifestProblem(`${MANIFEST_FILE} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`, 'plugin_manifest_invalid');
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new ManifestProblem(`${MANIFEST_FILE} must hold a JSON object`, 'plugin_manifest_invalid');
  const m = raw as Record<string, unknown>;
  const unknown = Object.keys(m).find((k) => !KEYS.has(k));
  if (unknown) throw new ManifestProblem(`${MANIFEST_FILE} has an unknown field ${JSON.stringify(unknown)}: only name, version, description and inputs`, 'plugin_manifest_invalid');
  if (typeof m.name !== 'string' || !NAME.test(m.name)) {
    throw new ManifestProblem(`${MANIFEST_FILE}: "name" must be letters, digits, '-' and '_' (1-64, starting and ending with a letter or digit)`, 'plugin_manifest_invalid');
  }
  if (expectedName !== undefined && m.name !== expectedName) {
    throw new ManifestProblem(`${MANIFEST_FILE} names the plugin ${JSON.stringify(m.name)}, but it was uploaded as ${JSON.stringify(expectedName)}`, 'plugin_name_mismatch');
  }
  if (typeof m.version !== 'string' || semver.valid(m.version) !== m.version) {
    throw new ManifestProblem(`${MANIFEST_FILE}: "version" ${JSON.stringify(m.version)} is not a semantic version like 1.2.3 (no "v" prefix)`, 'plugin_version_invalid');
  }
  if (m.description !== undefined && typeof m.description !== 'string') throw new ManifestProblem(`${MANIFEST_FILE}: "description" must be a string`, 'plugin_manifest_invalid');
  if (m.inputs === undefined) throw new ManifestProblem(`${MANIFEST_FILE}: "inputs" (a JSON Schema of type object) is missing`, 'plugin_inputs_invalid');
  const problem = inputSchemaProblem(m.inputs);
  if (problem) throw new ManifestProblem(`${MANIFEST_FILE}: ${problem}`, 'plugin_inputs_invalid');
  return { name: m.name, version: m.version, description: ((m.description as string | undefined) ?? '').slice(0, 2000), inputs: m.inputs as InputSchema };
}
