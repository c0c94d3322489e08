import { z } from 'zod';
import { isoDateTime, itemsOf } from '../common-shapes';

export const role = z.enum(['reader', 'publisher', 'admin', 'owner']);

export const organization = z.object({ id: z.string(), name: z.string(), createdAt: isoDateTime, role: role.nullable() });
export const organizationList = itemsOf(organization);
export type Organization = z.infer<typeof organization>;

export const member = z.object({ userId: z.string(), email: z.string(), name: z.string(), role, createdAt: isoDateTime });
export const memberList = itemsOf(member);
export type Member = z.infer<typeof member>;

export const namespace = z.object({ id: z.string(), name: z.string(), organization: z.string(), visibility: z.enum(['private', 'public']), createdAt: isoDateTime });
export const namespaceList = itemsOf(namespace);
export type Namespace = z.infer<typeof namespace>;
