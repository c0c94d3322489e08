import { z } from 'zod';

/*
 * Answers of the registry protocols (api/protocol/**), described for the OpenAPI document. Their field names
 * are fixed by Terraform and OpenTofu (snake_case), unlike the management API's camelCase.
 */

export const discovery = z
  .object({
    'modules.v1': z.string(),
    'providers.v1': z.string(),
    /** `terraform login` (api/routes/oauth): an OAuth client description rather than a URL. */
    'login.v1': z.object({
      client: z.string(),
      grant_types: z.array(z.string()),
      authz: z.string(),
      token: z.string(),
      ports: z.tuple([z.number().int(), z.number().int()]),
    }),
  })
  .meta({ description: 'service discovery' });

export const moduleVersionList = z.object({
  modules: z.array(z.object({ versions: z.array(z.object({ version: z.string() })) })),
});

export const providerVersionList = z.object({
  versions: z.array(
    z.object({ version: z.string(), protocols: z.array(z.string()), platforms: z.array(z.object({ os: z.string(), arch: z.string() })) }),
  ),
});

export const providerPackage = z.object({
  protocols: z.array(z.string()),
  os: z.string(),
  arch: z.string(),
  filename: z.string(),
  download_url: z.string(),
  shasums_url: z.string(),
  shasums_signature_url: z.string(),
  shasum: z.string(),
  signing_keys: z.object({
    gpg_public_keys: z.array(
      z.object({ key_id: z.string(), ascii_armor: z.string(), trust_signature: z.string(), source: z.string(), source_url: z.string().nullable() }),
    ),
  }),
});

export const mirrorIndex = z.object({ versions: z.record(z.string(), z.object({})) });

export const mirrorVersion = z.object({
  archives: z.record(z.string(), z.object({ url: z.string(), hashes: z.array(z.string()) })),
});
