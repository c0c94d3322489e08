import { describe, expect, it } from 'vitest';
import { checkBaseUrl, isPrivateAddress } from './network-policy';

const resolvingTo = (...addresses: string[]) => ({
  allowPrivateNetworks: false,
  lookup: async () => addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
});

describe('VCS network policy (SSRF guard)', () => {
  it('classifies loopback, link-local, private and reserved addresses', () => {
    for (const ip of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '::ffff:a9fe:a9fe']) {
      expect(isPrivateAddress(ip), ip).toBe(true);
    }
    for (const ip of ['140.82.112.3', '8.8.8.8', '2606:4700::1111']) expect(isPrivateAddress(ip), ip).toBe(false);
  });

  it('refuses base URLs whose name resolves to loopback, link-local or private addresses', async () => {
    for (const address of ['127.0.0.1', '169.254.169.254', '10.0.0.5', '::1']) {
      await expect(checkBaseUrl('https://git.example.com', resolvingTo(address)), address).rejects.toMatchObject({ code: 'vcs_base_url_forbidden' });
    }
    // One internal address among public ones is enough to refuse (a client could connect to any of them).
    await expect(checkBaseUrl('https://git.example.com', resolvingTo('140.82.112.3', '10.0.0.5'))).rejects.toMatchObject({ code: 'vcs_base_url_forbidden' });
  });

  it('refuses literal private addresses in every spelling the URL parser accepts', async () => {
    for (const url of ['https://127.0.0.1', 'https://[::1]:8443', 'https://2130706433', 'https://0x7f.1', 'https://[::ffff:169.254.169.254]']) {
      await expect(checkBaseUrl(url, resolvingTo('140.82.112.3')), url).rejects.toMatchObject({ code: 'vcs_base_url_forbidden' });
    }
  });

  it('refuses plain http, credentials in the URL and non-http schemes', async () => {
    await expect(checkBaseUrl('http://git.example.com', resolvingTo('140.82.112.3'))).rejects.toMatchObject({ code: 'vcs_base_url_forbidden' });
    await expect(checkBaseUrl('https://user:pw@git.example.com', resolvingTo('140.82.112.3'))).rejects.toMatchObject({ code: 'vcs_base_url_invalid' });
    await expect(checkBaseUrl('file:///etc/passwd', resolvingTo('140.82.112.3'))).rejects.toMatchObject({ code: 'vcs_base_url_invalid' });
  });

  it('accepts public hosts, and private ones only when the operator allows them', async () => {
    await expect(checkBaseUrl('https://git.example.com/api/v4/', resolvingTo('140.82.112.3'))).resolves.toBe('https://git.example.com/api/v4');
    await expect(checkBaseUrl('http://127.0.0.1:8080', { allowPrivateNetworks: true })).resolves.toBe('http://127.0.0.1:8080');
  });
});
