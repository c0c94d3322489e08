import { z } from 'zod';
import { itemsOf } from '../common-shapes';

/** A sign-in provider for the sign-in page: open `loginUrl` (optionally with `?returnTo=/path`) in the browser. */
export const ssoProvider = z.object({ id: z.string(), name: z.string(), loginUrl: z.string() });
export type SsoProvider = z.infer<typeof ssoProvider>;
export const ssoProviderList = itemsOf(ssoProvider);
export type SsoProviderList = z.infer<typeof ssoProviderList>;
