import { LoginBody, RegisterBody } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/api/ApiError.js';
import { describeAuthFailure, fieldErrorsFrom } from '../src/auth/formErrors.js';

const labels = { displayName: 'display name', username: 'username', password: 'password' };

function registerErrors(values: { displayName: string; username: string; password: string }) {
  const result = RegisterBody.safeParse({
    username: values.username,
    password: values.password,
    ...(values.displayName ? { displayName: values.displayName } : {}),
  });
  expect(result.success).toBe(false);
  return fieldErrorsFrom(result.error!.issues, values, labels);
}

describe('fieldErrorsFrom (with the protocol schemas)', () => {
  it('asks for empty fields instead of quoting zod', () => {
    expect(registerErrors({ displayName: '', username: '', password: '' })).toEqual({
      username: 'Enter your username.',
      password: 'Enter your password.',
    });
  });

  it('uses the schema messages for rule violations, one per field', () => {
    expect(registerErrors({ displayName: '', username: 'Bad Name!', password: 'short' })).toEqual({
      username: 'May contain only a-z, 0-9, _ . -.',
      password: 'Must be at least 8 characters.',
    });
    expect(registerErrors({ displayName: '', username: 'ab', password: 'long enough' }).username).toBe(
      'Must be 3 to 32 characters.',
    );
  });

  it('replaces generic zod wording with a readable message', () => {
    const errors = registerErrors({ displayName: 'x'.repeat(65), username: 'fine', password: 'long enough' });
    expect(errors).toEqual({ displayName: 'Display name is too long.' });
  });

  it('works for the login schema', () => {
    const values = { username: '', password: '' };
    const result = LoginBody.safeParse(values);
    expect(fieldErrorsFrom(result.error!.issues, values, { username: 'username', password: 'password' })).toEqual({
      username: 'Enter your username.',
      password: 'Enter your password.',
    });
  });
});

describe('describeAuthFailure', () => {
  const error = (status: number, code: ApiError['code'], message = 'x', extra: Partial<ApiError> = {}) =>
    new ApiError({ status, code, message, ...extra });

  it('maps the server answers of docs/protocol.md to plain words', () => {
    expect(describeAuthFailure(error(401, 'unauthorized'), 'login')).toEqual({
      message: 'Wrong username or password.',
    });
    expect(describeAuthFailure(error(409, 'conflict'), 'register')).toEqual({
      message: 'That username is taken. Try another one.',
      field: 'username',
    });
    expect(describeAuthFailure(error(0, 'network_error'), 'login').message).toMatch(/Cannot reach/);
    expect(describeAuthFailure(error(500, 'internal'), 'login').message).toMatch(/server/);
  });

  it('says how long to wait when rate limited', () => {
    expect(describeAuthFailure(error(429, 'rate_limited', 'x', { retryAfter: 600 }), 'login').message).toBe(
      'Too many attempts. Try again in 10 minutes.',
    );
    expect(describeAuthFailure(error(429, 'rate_limited', 'x', { retryAfter: 30 }), 'login').message).toBe(
      'Too many attempts. Try again in a minute.',
    );
  });

  it('puts a bad_request on the field the server named, without the field prefix', () => {
    const failure = describeAuthFailure(
      error(400, 'bad_request', 'username: may contain only a-z', { field: 'username' }),
      'register',
    );
    expect(failure).toEqual({ message: 'May contain only a-z.', field: 'username' });
  });

  it('falls back for errors that are not ApiError', () => {
    expect(describeAuthFailure(new TypeError('boom'), 'login').message).toBe('Something went wrong. Please try again.');
  });
});
