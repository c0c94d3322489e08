import { Client, Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { strataSearchAttributes } from './search-attributes';

const GRPC_ALREADY_EXISTS = 6;

export async function connectClient(input: { address: string; namespace: string }): Promise<Client> {
  const connection = await Connection.connect({ address: input.address });
  return new Client({ connection, namespace: input.namespace });
}

/**
 * Registers Strata's custom search attributes (idempotent: existing ones are kept). Done at start-up by the
 * worker so that a fresh cluster or dev server can be filtered by StrataKind/StrataArtifact in the UI.
 */
export async function registerSearchAttributes(client: Client, namespace: string): Promise<void> {
  const existing = await client.connection.operatorService.listSearchAttributes({ namespace });
  const missing = strataSearchAttributes.filter((k) => !(k.name in (existing.customAttributes ?? {})));
  if (missing.length === 0) return;
  try {
    await client.connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((k) => [k.name, proto.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD])),
    });
  } catch (err) {
    // Another process registered them first (gRPC ALREADY_EXISTS).
    if ((err as { code?: number }).code !== GRPC_ALREADY_EXISTS) throw err;
  }
}
