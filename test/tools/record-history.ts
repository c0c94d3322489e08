import { writeFile } from 'node:fs/promises';
import { Client, Connection } from '@temporalio/client';

// Saves the event history of a finished workflow for the replay test, e.g. after changing a workflow on purpose:
//   tsx test/tools/record-history.ts 127.0.0.1:7233 'module-publish:acme/demo/aws/1.0.0' workflows/__histories__/x.json
const [address, workflowId, file] = process.argv.slice(2);
if (!address || !workflowId || !file) {
  console.error('usage: record-history.ts <temporal-address> <workflow-id> <output.json>');
  process.exit(2);
}
const connection = await Connection.connect({ address });
const history = await new Client({ connection }).workflow.getHandle(workflowId).fetchHistory();
await writeFile(file, JSON.stringify(history, null, 1));
await connection.close();
console.log(`saved ${history.events?.length ?? 0} events to ${file}`);
