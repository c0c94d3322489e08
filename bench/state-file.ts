/**
 * The state file of the state-backend benchmark: a format-4 state of about 1 MB (1,000 `terraform_data`
 * instances), laid out as OpenTofu writes it. Shared by the benchmark and the baseline server, which answers the
 * same bytes.
 */
export const BASELINE_STATE_PATH = '/state';
export const STATE_LINEAGE = '6f1c2a8e-5b7d-4c3e-9a10-bench0000001';
const RESOURCES = 1000;

/** The state's text with serial `serial` (everything else identical from one serial to the next). */
export function benchStateFile(serial: number): Buffer {
  const instances = Array.from({ length: RESOURCES }, (_, i) => ({
    index_key: i,
    schema_version: 0,
    attributes: {
      id: `${STATE_LINEAGE.slice(0, 8)}-${String(i).padStart(4, '0')}-4000-8000-${String(i).padStart(12, '0')}`,
      input: { value: { name: `item-${i}`, note: 'x'.repeat(190), tags: { team: 'platform', purpose: 'bench', owner: 'strata' } }, type: ['object', { name: 'string', note: 'string', tags: ['map', 'string'] }] },
      output: null,
      triggers_replace: null,
    },
    sensitive_attributes: [],
  }));
  const state = {
    version: 4,
    terraform_version: '1.10.6',
    serial,
    lineage: STATE_LINEAGE,
    outputs: {},
    resources: [{ mode: 'managed', type: 'terraform_data', name: 'item', provider: 'provider["terraform.io/builtin/terraform"]', instances }],
    check_results: null,
  };
  return Buffer.from(`${JSON.stringify(state, null, 2)}\n`);
}
