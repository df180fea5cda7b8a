import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/appError.js';
import { isStoreDown, withStoreDeadline } from '../../src/store/unavailable.js';

describe('isStoreDown', () => {
  it('recognises a store that is down or unreachable', () => {
    expect(isStoreDown(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(
      true,
    );
    expect(isStoreDown(Object.assign(new Error('terminating connection'), { code: '57P01' }))).toBe(true);
    expect(isStoreDown(Object.assign(new Error('connection failure'), { code: '08006' }))).toBe(true);
    expect(
      isStoreDown(Object.assign(new Error('Knex: Timeout acquiring a connection'), { name: 'KnexTimeoutError' })),
    ).toBe(true);
    expect(isStoreDown(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isStoreDown(new Error('Connection is closed.'))).toBe(true);
    expect(isStoreDown(new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })]))).toBe(true);
  });

  it('leaves every other failure alone', () => {
    expect(isStoreDown(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    expect(isStoreDown(new TypeError('cannot read properties of undefined'))).toBe(false);
    expect(isStoreDown(new AppError('forbidden', 'no'))).toBe(false);
    expect(isStoreDown(undefined)).toBe(false);
    expect(isStoreDown('ECONNREFUSED')).toBe(false);
  });
});

describe('withStoreDeadline', () => {
  it('answers unavailable when the work outlives the deadline, and passes other errors through', async () => {
    const hung = new Promise<never>(() => undefined);
    await expect(withStoreDeadline(20, hung)).rejects.toMatchObject({ code: 'unavailable' });
    const refused = Promise.reject(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }));
    await expect(withStoreDeadline(1000, refused)).rejects.toMatchObject({ code: 'unavailable' });
    await expect(withStoreDeadline(1000, Promise.reject(new AppError('forbidden', 'no')))).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(withStoreDeadline(1000, Promise.resolve(7))).resolves.toBe(7);
  });
});
