/** The default public endpoints; `settings.endpoint` replaces them for a compatible or private cloud. */
export const CLOUD_ENDPOINTS = {
  azureAuthority: 'https://login.microsoftonline.com',
  azureResourceManager: 'https://management.azure.com',
  gcpResourceManager: 'https://cloudresourcemanager.googleapis.com',
  gcpIam: 'https://iam.googleapis.com',
  gcpToken: 'https://oauth2.googleapis.com/token',
  digitalocean: 'https://api.digitalocean.com',
  hetzner: 'https://api.hetzner.cloud',
} as const;
