import { z } from 'zod';
import { NAME } from '../../../core/registry/names';
import { orgParams, role } from '../orgs/schemas';

/** Team names follow organisation names: they appear in paths and in SSO group mappings. */
export const teamName = z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'letters, digits, "-" and "_", starting with a letter or digit');
const ssoGroup = z.string().trim().min(1).max(256);

export const createTeamInput = z.object({ name: teamName, role: role.nullable().optional(), ssoGroup: ssoGroup.nullable().optional() });
export const patchTeamInput = z
  .object({ name: teamName.optional(), role: role.nullable().optional(), ssoGroup: ssoGroup.nullable().optional() })
  .refine((p) => p.name !== undefined || p.role !== undefined || p.ssoGroup !== undefined, 'change at least one of name, role, ssoGroup');
export const addTeamMemberInput = z.object({ email: z.string().trim().max(254) });

/**
 * A team's role on one namespace. `owner` is an organisation's role (owners make owners and delete the
 * organisation); on a namespace it would mean no more than `admin`, so it is not offered.
 */
export const namespaceRole = z.enum(['reader', 'publisher', 'admin']);
export const setNamespaceRoleInput = z.object({ role: namespaceRole });

export const teamParams = orgParams.extend({ team: z.string().max(64) });
export const teamMemberParams = teamParams.extend({ userId: z.uuid() });
export const teamNamespaceParams = teamParams.extend({ namespace: z.string().regex(NAME) });
