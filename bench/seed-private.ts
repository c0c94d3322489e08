import { randomBytes } from 'node:crypto';
import { TEST_PROVIDER } from '../test/fixtures/provider-release';
import type { BenchApi } from './api-client';
import { PRIVATE_MODULE, PRIVATE_MODULE_VERSIONS, PRIVATE_NAMESPACE, PRIVATE_ORG, PRIVATE_READER } from './catalogue';

/**
 * The private namespace the authenticated-read targets hit, made through the API as an operator would: an
 * organisation, a namespace created explicitly private (the bench platform's default is public for the legacy
 * targets), and a reader member who signs in and mints a personal token. Returns that token.
 */
export async function createPrivateReader(api: BenchApi): Promise<string> {
  const password = `bench-${randomBytes(12).toString('base64url')}`;
  await api.createUser({ ...PRIVATE_READER, password });
  await api.createOrg(PRIVATE_ORG);
  await api.createNamespace(PRIVATE_ORG, PRIVATE_NAMESPACE, 'private');
  await api.addMember(PRIVATE_ORG, PRIVATE_READER.email, 'reader');
  return api.personalToken(PRIVATE_READER.email, password);
}

/**
 * The private targets must measure the gate, not a namespace that slipped to public: without a token, and with a
 * made-up one, every private read answers 401. Only rejected requests: the response cache stays cold.
 */
export async function checkPrivateReadsAreGated(api: BenchApi): Promise<void> {
  const { type, version } = TEST_PROVIDER;
  const paths = [
    `/v1/modules/${PRIVATE_MODULE.namespace}/${PRIVATE_MODULE.name}/${PRIVATE_MODULE.system}/versions`,
    `/v1/modules/${PRIVATE_MODULE.namespace}/${PRIVATE_MODULE.name}/${PRIVATE_MODULE.system}/${PRIVATE_MODULE_VERSIONS[0]}/download`,
    `/v1/providers/${PRIVATE_NAMESPACE}/${type}/versions`,
    `/v1/providers/${PRIVATE_NAMESPACE}/${type}/${version}/download/linux/amd64`,
  ];
  for (const path of paths) {
    for (const token of [null, `strata_${randomBytes(30).toString('base64url')}`]) {
      const status = await api.readStatus(path, token);
      if (status !== 401) throw new Error(`${path} ${token ? 'with an unknown token' : 'without a token'} answered ${status}, expected 401`);
    }
  }
}
