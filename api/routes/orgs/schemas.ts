import { z } from 'zod';
import { NAME } from '../../../core/registry/names';

export const role = z.enum(['reader', 'publisher', 'admin', 'owner']);
export const orgName = z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'letters, digits, "-" and "_", starting with a letter or digit');
export const createOrgInput = z.object({ name: orgName });
export const addMemberInput = z.object({ email: z.string().trim().max(254), role });
export const changeMemberInput = z.object({ role });
export const visibility = z.enum(['private', 'public']);
export const createNamespaceInput = z.object({ name: z.string().regex(NAME), visibility: visibility.optional() });
export const patchNamespaceInput = z.object({ visibility });
export const orgParams = z.object({ org: z.string().max(64) });
export const memberParams = orgParams.extend({ userId: z.uuid() });
