import { z } from 'zod';

const email = z.email().max(254);

export const loginInput = z.object({ email: z.string().trim().max(254), password: z.string().max(1024) });
export const createUserInput = z.object({
  email: email,
  name: z.string().trim().min(1).max(200),
  password: z.string().max(1024),
  platformAdmin: z.boolean().optional(),
});
export const sessionParams = z.object({ id: z.uuid() });
export const passwordResetInput = z.object({ email: z.string().trim().max(254) });
export const passwordResetConfirmInput = z.object({ token: z.string().max(256), password: z.string().max(1024) });
export const verifyEmailInput = z.object({ token: z.string().max(256) });
export const changePasswordInput = z.object({ currentPassword: z.string().max(1024), newPassword: z.string().max(1024) });
