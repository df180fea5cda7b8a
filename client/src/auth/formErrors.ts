import { ApiError } from '../api/ApiError.js';

/** The parts of a zod issue the forms use (kept structural so the client never imports zod). */
export interface IssueLike {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly code: string;
}

export type FieldErrors<F extends string> = Partial<Record<F, string>>;

function capitalize(text: string): string {
  const trimmed = text.trim();
  return trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
}

function sentence(text: string): string {
  const capital = capitalize(text);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/** Turns schema issues into one friendly message per field (the first issue of each field wins). */
export function fieldErrorsFrom<F extends string>(
  issues: readonly IssueLike[],
  values: Record<F, string>,
  labels: Record<F, string>,
): FieldErrors<F> {
  const errors: FieldErrors<F> = {};
  for (const issue of issues) {
    const field = String(issue.path[0] ?? '') as F;
    if (!(field in labels) || errors[field]) continue;
    const generic = /^(too small|too big|invalid)/i.test(issue.message);
    if (issue.code === 'too_small' && values[field].trim() === '') errors[field] = `Enter your ${labels[field]}.`;
    else if (!generic) errors[field] = sentence(issue.message);
    else if (issue.code === 'too_big') errors[field] = `${capitalize(labels[field])} is too long.`;
    else errors[field] = `Check your ${labels[field]}.`;
  }
  return errors;
}

export interface FormFailure {
  message: string;
  /** The input the message is about, when the server named one. */
  field?: string;
}

function minutes(seconds: number | undefined): string {
  if (!seconds || seconds <= 60) return 'a minute';
  const count = Math.ceil(seconds / 60);
  return `${count} minutes`;
}

/** What to tell the person when login or registration fails on the server side. */
export function describeAuthFailure(error: unknown, action: 'login' | 'register'): FormFailure {
  if (!(error instanceof ApiError)) return { message: 'Something went wrong. Please try again.' };
  switch (error.code) {
    case 'unauthorized':
      return action === 'login'
        ? { message: 'Wrong username or password.' }
        : { message: 'Your account was created, but signing in failed. Try logging in.' };
    case 'conflict':
      return { message: 'That username is taken. Try another one.', field: 'username' };
    case 'rate_limited':
      return { message: `Too many attempts. Try again in ${minutes(error.retryAfter)}.` };
    case 'bad_request':
      return error.field
        ? { message: sentence(error.message.replace(/^[\w.]+:\s*/, '')), field: error.field }
        : { message: sentence(error.message) };
    case 'network_error':
    case 'timeout':
    case 'unavailable':
      return { message: 'Cannot reach the Parley server. Check your connection and try again.' };
    case 'internal':
      return { message: 'Something went wrong on the server. Please try again.' };
    default:
      return { message: sentence(error.message) };
  }
}
