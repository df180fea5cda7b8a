import type { LoginBody, RegisterBody, User } from '@parley/protocol';
import { http } from './http.js';

export interface AuthResponse {
  user: User;
  token: string;
}

/** The account endpoints of docs/protocol.md. The browser relies on the httpOnly session cookie. */
export const authApi = {
  register: (body: RegisterBody) => http.post<AuthResponse>('/api/auth/register', body),
  login: (body: LoginBody) => http.post<AuthResponse>('/api/auth/login', body),
  logout: () => http.post<void>('/api/auth/logout'),
  /** Ends every session of the user (every device, every tab); their sockets are cut. */
  logoutAll: () => http.post<void>('/api/auth/logout-all'),
  me: () => http.get<{ user: User }>('/api/me'),
};
