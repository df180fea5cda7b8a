import { z } from 'zod';
import { SingleLine } from './text.js';

export const Username = SingleLine()
  .min(3, 'must be 3 to 32 characters')
  .max(32, 'must be 3 to 32 characters')
  .regex(/^[a-z0-9_.-]+$/, 'may contain only a-z, 0-9, _ . -');

export const Password = SingleLine().min(8, 'must be at least 8 characters').max(256, 'too long');

export const RegisterBody = z.object({
  username: Username,
  password: Password,
  displayName: SingleLine().trim().min(1).max(64).optional(),
});
export type RegisterBody = z.infer<typeof RegisterBody>;

export const LoginBody = z.object({
  username: SingleLine().min(1).max(64),
  password: SingleLine().min(1).max(256),
});
export type LoginBody = z.infer<typeof LoginBody>;
