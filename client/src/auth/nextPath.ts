/** Where to go after login: only same-origin paths of this app, never back to the auth pages. */
export function safeNextPath(raw: string | string[] | undefined): string {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  if (/^\/(login|register)(\/|\?|#|$)/.test(value)) return '/';
  return value;
}

/** The login page address that brings the user back to `next` afterwards. */
export function loginHref(next: string, page: 'login' | 'register' = 'login'): string {
  const target = safeNextPath(next);
  return target === '/' ? `/${page}` : `/${page}?next=${encodeURIComponent(target)}`;
}
