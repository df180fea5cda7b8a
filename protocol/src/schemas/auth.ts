import { z } from 'zod';

export const Username = z
  .string()
  .min(3, 'must be 3 to 32 characters')
  .max(32, 'must be 3 to 32 characters')
  .regex(/^[a-z0-9_.-]+$/, 'may contain only a-z, 0-9, _ . -');

export const Password = z.string().min(8, 'must be at least 8 characters').max(256, 'too long');

export const RegisterBody = z.object({
  username: Username,
  password: Password,
  displayName: z.string().trim().min(1).max(64).optional(),
});
export type RegisterBody = z.infer<typeof RegisterBody>;

export const LoginBody = z.object({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
});
export type LoginBody = z.infer<typeof LoginBody>;
