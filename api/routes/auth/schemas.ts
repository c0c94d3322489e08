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
