import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { Invalid } from '../errors';
import { VcsUnavailable } from './errors';

/**
 * Where outgoing VCS requests may go. Base URLs come from users, so by default they may only reach public
 * addresses: loopback, link-local (cloud metadata at 169.254.169.254), private, carrier-grade NAT, multicast
 * and reserved ranges are refused, as is plain http. `STRATA_VCS_ALLOW_PRIVATE_NETWORKS=true` lifts that for
 * self-hosted GitLab/Azure DevOps Server on an internal network (and for tests on loopback).
 */
export interface NetworkPolicy {
  allowPrivateNetworks: boolean;
  /** DNS resolution; replaceable in tests. Returns every address the name resolves to. */
  lookup?: (hostname: string) => Promise<{ address: string; family: number }[]>;
  /** Which addresses are off limits; replaceable in tests (no public address is reachable on a closed machine). */
  isForbidden?: (address: string) => boolean;
}

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

/** True for addresses a user-supplied URL must not reach (IPv4-mapped IPv6 is checked as IPv4). */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  return blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

const defaultLookup = (hostname: string) => dnsLookup(hostname, { all: true, verbatim: true });

/** The one address a request goes to, after it passed the policy. */
export interface CheckedDestination {
  hostname: string;
  address: string;
  family: 4 | 6;
}

/**
 * Checks a base URL against the policy and returns it normalised (no trailing slash). Resolves the host name
 * and refuses it if ANY address is private, so a name with one public and one internal record is refused too.
 * @throws Invalid `vcs_base_url_invalid` (not an absolute http(s) URL, or credentials/query/fragment in it),
 *   `vcs_base_url_forbidden` (a private destination, or plain http, while the switch is off)
 * @throws VcsUnavailable when the name does not resolve (may be temporary)
 */
export async function checkBaseUrl(raw: string, policy: NetworkPolicy): Promise<string> {
  // With private networks allowed there is nothing to check the addresses against: resolution waits for the connection.
  return (await inspect(raw, policy, !policy.allowPrivateNetworks)).normalised;
}

/**
 * Resolves a URL's host ONCE, checks every address as {@link checkBaseUrl} does, and returns the address the
 * connection must use. Connecting through {@link pinnedLookup} of it leaves no second DNS answer between the
 * check and the connect (DNS rebinding), while TLS SNI, certificate checks and `Host` keep the original name.
 * @throws as {@link checkBaseUrl}
 */
export async function checkDestination(raw: string, policy: NetworkPolicy): Promise<CheckedDestination> {
  const { hostname, addresses } = await inspect(raw, policy, true);
  const address = addresses[0]!;
  return { hostname, address, family: isIP(address) === 6 ? 6 : 4 };
}

/** A `lookup` for net/tls/undici connections that answers the checked address and never asks DNS. */
export function pinnedLookup(destination: CheckedDestination): LookupFunction {
  return (hostname, options, callback) => {
    const wanted = hostname.replace(/^\[|\]$/g, '').toLowerCase();
    if (wanted !== destination.hostname.toLowerCase()) {
      return void callback(Object.assign(new Error(`connection to ${hostname} was not checked by the network policy`), { code: 'ENOTFOUND' }), '', 0);
    }
    if (options.all) callback(null, [{ address: destination.address, family: destination.family }]);
    else callback(null, destination.address, destination.family);
  };
}

async function inspect(raw: string, policy: NetworkPolicy, resolve: boolean): Promise<{ normalised: string; hostname: string; addresses: string[] }> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Invalid(`base URL ${JSON.stringify(raw)} is not an absolute URL`, 'vcs_base_url_invalid');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Invalid('the base URL must use https', 'vcs_base_url_invalid');
  if (url.username || url.password || url.search || url.hash) {
    throw new Invalid('the base URL must not contain credentials, a query or a fragment', 'vcs_base_url_invalid');
  }
  const normalised = url.href.replace(/\/+$/, '');
  if (!policy.allowPrivateNetworks && url.protocol === 'http:') {
    throw new Invalid('the base URL must use https (plain http is allowed only with STRATA_VCS_ALLOW_PRIVATE_NETWORKS=true)', 'vcs_base_url_forbidden');
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!resolve) return { normalised, hostname: host, addresses: [] };
  let addresses: string[];
  if (isIP(host)) {
    addresses = [host];
  } else {
    try {
      addresses = (await (policy.lookup ?? defaultLookup)(host)).map((a) => a.address);
    } catch (err) {
      throw new VcsUnavailable(`the host ${host} could not be resolved (${(err as NodeJS.ErrnoException).code ?? 'DNS error'})`, null);
    }
  }
  if (addresses.length === 0) throw new VcsUnavailable(`the host ${host} has no address`, null);
  if (!policy.allowPrivateNetworks && addresses.some(policy.isForbidden ?? isPrivateAddress)) {
    throw new Invalid(
      `the base URL's host ${host} resolves to a loopback, link-local or private address; an operator can allow that with STRATA_VCS_ALLOW_PRIVATE_NETWORKS=true`,
      'vcs_base_url_forbidden',
    );
  }
  return { normalised, hostname: host, addresses };
}
