import { describe, expect, it } from 'vitest';
import { loadConfig } from './config';

describe('storage settings', () => {
  it('defaults to local disk under the data dir', () => {
    expect(loadConfig({ STRATA_DATA_DIR: '/srv/strata' }).storage).toEqual({ kind: 'local', dir: '/srv/strata/blobs' });
  });

  it('reads an S3-compatible store', () => {
    const config = loadConfig({
      STRATA_STORAGE: 's3',
      STRATA_S3_BUCKET: 'artifacts',
      STRATA_S3_ENDPOINT: 'http://seaweedfs:8333',
      STRATA_S3_PUBLIC_ENDPOINT: 'https://s3.example.com',
      STRATA_S3_FORCE_PATH_STYLE: 'true',
      STRATA_S3_ACCESS_KEY_ID: 'id',
      STRATA_S3_SECRET_ACCESS_KEY: 'secret',
    });
    expect(config.storage).toEqual({
      kind: 's3',
      bucket: 'artifacts',
      region: 'us-east-1',
      endpoint: 'http://seaweedfs:8333',
      publicEndpoint: 'https://s3.example.com',
      forcePathStyle: true,
      credentials: { accessKeyId: 'id', secretAccessKey: 'secret' },
    });
  });

  it('leaves S3 credentials to the AWS default chain when none are set', () => {
    const config = loadConfig({ STRATA_STORAGE: 's3', STRATA_S3_BUCKET: 'artifacts', STRATA_S3_REGION: 'eu-west-1' });
    expect(config.storage).toMatchObject({ kind: 's3', region: 'eu-west-1', endpoint: null, credentials: null, forcePathStyle: false });
  });

  it('reads Azure by account name and key', () => {
    const config = loadConfig({ STRATA_STORAGE: 'azure', STRATA_AZURE_CONTAINER: 'artifacts', STRATA_AZURE_ACCOUNT_NAME: 'acct', STRATA_AZURE_ACCOUNT_KEY: 'a2V5' });
    expect(config.storage).toEqual({
      kind: 'azure',
      container: 'artifacts',
      connectionString: null,
      account: { name: 'acct', key: 'a2V5', endpoint: null },
      publicEndpoint: null,
    });
  });

  it('fails fast, naming every missing or conflicting setting', () => {
    expect(() => loadConfig({ STRATA_STORAGE: 's3', STRATA_S3_ACCESS_KEY_ID: 'id' })).toThrow(
      /STRATA_S3_ACCESS_KEY_ID: .*set together[\s\S]*STRATA_S3_BUCKET: is required when STRATA_STORAGE=s3/,
    );
    expect(() => loadConfig({ STRATA_STORAGE: 'azure' })).toThrow(/STRATA_AZURE_CONTAINER: is required[\s\S]*STRATA_AZURE_CONNECTION_STRING: .*set either/);
    expect(() =>
      loadConfig({ STRATA_STORAGE: 'azure', STRATA_AZURE_CONTAINER: 'c12', STRATA_AZURE_CONNECTION_STRING: 'x', STRATA_AZURE_ACCOUNT_NAME: 'a', STRATA_AZURE_ACCOUNT_KEY: 'k' }),
    ).toThrow(/set either/);
    expect(() => loadConfig({ STRATA_STORAGE: 'gcs' })).toThrow(/STRATA_STORAGE/);
  });
});
