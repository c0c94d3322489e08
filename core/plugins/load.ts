import type { Tx } from '../db/knex';
import { findPlugin, findPluginVersion } from '../db/repos/plugins';
import { Invalid, NotFound } from '../errors';
import { checkInputs, type InputSchema } from './input-schema';
import type { PluginEntry } from './manifest';

export interface LoadedPluginVersion {
  id: string;
  pluginId: string;
  /** The input JSON Schema from the version's manifest. */
  inputs: InputSchema;
  entry: PluginEntry;
  /** The stored ZIP (content-addressed) in the blob store. */
  blob_key: string;
  sha256: string;
  locked: boolean;
}

/**
 * One published version of an organisation's plugin, for provisioning.
 * @throws NotFound `plugin_not_found` / `plugin_version_not_found`
 */
export async function loadPluginVersion(db: Tx, orgId: string, name: string, version: string): Promise<LoadedPluginVersion> {
  const plugin = await findPlugin(db, orgId, name);
  if (!plugin) throw new NotFound(`no plugin ${name}`, 'plugin_not_found');
  const row = await findPluginVersion(db, plugin.id, version);
  if (!row) throw new NotFound(`plugin ${name} has no version ${version}`, 'plugin_version_not_found');
  return { id: row.id, pluginId: plugin.id, inputs: row.inputs, entry: row.entry, blob_key: row.blob_key, sha256: row.sha256, locked: plugin.locked };
}

/**
 * Validates inputs against a plugin version's schema and returns them with the schema's defaults applied.
 * @throws Invalid `invalid_inputs` naming every violation
 */
export function validateInputs(schema: InputSchema, inputs: unknown): Record<string, unknown> {
  const result = checkInputs(schema, inputs ?? {});
  if (!result.ok) throw new Invalid(`the inputs do not match the plugin's schema: ${result.message}`, 'invalid_inputs');
  return result.value;
}
