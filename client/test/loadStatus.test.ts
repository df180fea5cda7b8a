/**
 * Unit test of `failedLoad` (client/src/state/loadStatus.ts), the state the contacts and
 * conversations stores take when their list fails to load.
 */
import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/api/ApiError.js';
import { failedLoad } from '../src/state/loadStatus.js';

describe('failedLoad', () => {
  const serverError = new ApiError({ status: 503, code: 'unavailable', message: 'Try again in a moment.' });

  it('keeps a ready list ready and reports the server message', () => {
    expect(failedLoad('ready', serverError, 'Could not load.')).toEqual({
      status: 'ready',
      error: 'Try again in a moment.',
    });
  });

  it('turns a first load into an error with the fallback text for anything but an ApiError', () => {
    expect(failedLoad('loading', new TypeError('fetch failed'), 'Could not load.')).toEqual({
      status: 'error',
      error: 'Could not load.',
    });
    expect(failedLoad('idle', 'boom', 'Could not load.')).toEqual({ status: 'error', error: 'Could not load.' });
  });
});
