import type { Field } from '@aws-sdk/client-rds-data';
import { describe, expect, it } from 'vitest';
import type { SqlValue } from '../sql-executor.js';
import { fromField, toField, toSqlParameters } from './fields.js';

describe('toField', () => {
  it.each<[string, SqlValue, Field]>([
    ['null', null, { isNull: true }],
    ['zero', 0, { longValue: 0 }],
    ['a positive integer', 42, { longValue: 42 }],
    ['a negative integer', -7, { longValue: -7 }],
    ['a large safe integer', Number.MAX_SAFE_INTEGER, { longValue: Number.MAX_SAFE_INTEGER }],
    ['an integer-valued float', 3.0, { longValue: 3 }],
    ['a fraction', 1.5, { doubleValue: 1.5 }],
    ['a negative fraction', -0.25, { doubleValue: -0.25 }],
    ['true', true, { booleanValue: true }],
    ['false', false, { booleanValue: false }],
    ['a string', 'doc@hillvalley.edu', { stringValue: 'doc@hillvalley.edu' }],
    ['an empty string', '', { stringValue: '' }],
    ['a digit string (phone numbers stay strings)', '123456', { stringValue: '123456' }],
  ])('maps %s', (_name, value, field) => {
    expect(toField(value)).toEqual(field);
  });
});

describe('fromField', () => {
  it.each<[string, Field, SqlValue]>([
    ['isNull', { isNull: true }, null],
    ['longValue', { longValue: 42 }, 42],
    ['longValue 0', { longValue: 0 }, 0],
    ['doubleValue', { doubleValue: 1.5 }, 1.5],
    ['booleanValue true', { booleanValue: true }, true],
    ['booleanValue false', { booleanValue: false }, false],
    ['stringValue', { stringValue: 'x' }, 'x'],
    ['an empty stringValue', { stringValue: '' }, ''],
    ['blobValue as base64', { blobValue: new Uint8Array([104, 105]) }, 'aGk='],
  ])('reads %s', (_name, field, value) => {
    expect(fromField(field)).toEqual(value);
  });

  it('throws on a field it does not support', () => {
    expect(() => fromField({ arrayValue: { longValues: [1] } } as Field)).toThrow(/unsupported/);
  });
});

describe('round trips', () => {
  it.each<SqlValue>([null, 0, 1, -1, 123456, Number.MAX_SAFE_INTEGER, 0.5, -3.75, true, false, '', 'hello', '+15551234567'])(
    'fromField(toField(%j)) gives the value back',
    (value) => {
      const back = fromField(toField(value));
      expect(back).toEqual(value);
      expect(typeof back).toBe(typeof value);
    },
  );
});

describe('toSqlParameters', () => {
  it('maps each named value to a Data API parameter, in order', () => {
    expect(toSqlParameters({ email: 'doc@hillvalley.edu', phoneNumber: null, id: 7, ratio: 0.5, live: true })).toEqual([
      { name: 'email', value: { stringValue: 'doc@hillvalley.edu' } },
      { name: 'phoneNumber', value: { isNull: true } },
      { name: 'id', value: { longValue: 7 } },
      { name: 'ratio', value: { doubleValue: 0.5 } },
      { name: 'live', value: { booleanValue: true } },
    ]);
  });

  it('gives no parameters for none', () => {
    expect(toSqlParameters()).toEqual([]);
    expect(toSqlParameters({})).toEqual([]);
  });

  it('round-trips through fromField', () => {
    const params = { a: null, b: 12, c: 1.25, d: false, e: 'x' };
    const back = Object.fromEntries(toSqlParameters(params).map((p) => [p.name, fromField(p.value!)]));
    expect(back).toEqual(params);
  });
});
