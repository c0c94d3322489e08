import { z } from 'zod';
import { NAME } from '../../../core/registry/names';
import { orgParams } from '../orgs/schemas';

export const pluginListQuery = z.object({ q: z.string().trim().max(200).optional() });
export const pluginParams = orgParams.extend({ name: z.string().regex(NAME) });
export const pluginVersionParams = pluginParams.extend({ version: z.string().max(128) });
export const accessRequestParams = pluginParams.extend({ id: z.uuid() });
export const accessRequestInput = z.object({ reason: z.string().trim().max(2000).optional() });
