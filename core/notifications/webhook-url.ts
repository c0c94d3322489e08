import { Invalid } from '../errors';
import { checkBaseUrl, type NetworkPolicy } from '../vcs/network-policy';
import { VcsUnavailable } from '../vcs/errors';

/** The policy's messages speak of VCS base URLs; a webhook owner reads about their webhook URL. */
export function reworded(err: Invalid): Invalid {
  const message = err.message.replace(/the base URL/gi, 'the webhook URL').replace(/STRATA_VCS_ALLOW_PRIVATE_NETWORKS/g, 'STRATA_ALLOW_PRIVATE_NETWORKS');
  return new Invalid(message, err.code === 'vcs_base_url_forbidden' ? 'webhook_url_forbidden' : 'webhook_url_invalid');
}

/**
 * Checks a webhook URL when it is saved: absolute https (http only with private networks allowed), no credentials
 * or fragment, and a host that resolves to public addresses only (unless private networks are allowed). A query
 * string is kept (some receivers route on it). Deliveries check again, on every hop.
 * @throws Invalid `webhook_url_invalid` | `webhook_url_forbidden` | `webhook_url_unresolvable`
 */
export async function checkWebhookUrl(raw: string, policy: NetworkPolicy): Promise<string> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Invalid(`the webhook URL ${JSON.stringify(raw)} is not an absolute URL`, 'webhook_url_invalid');
  }
  if (url.username || url.password || url.hash) throw new Invalid('the webhook URL must not contain credentials or a fragment', 'webhook_url_invalid');
  try {
    await checkBaseUrl(url.origin, policy);
  } catch (err) {
    if (err instanceof Invalid) throw reworded(err);
    if (err instanceof VcsUnavailable) throw new Invalid(`the webhook URL's host ${url.hostname} does not resolve`, 'webhook_url_unresolvable');
    throw err;
  }
  return url.href;
}
