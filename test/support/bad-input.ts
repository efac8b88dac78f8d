import { expect } from 'vitest';
import { BadInput } from '../../lib/errors.js';

/** Runs `fn`, expects it to throw a BadInput (400, non-empty message) and returns that error. */
export function badInput(fn: () => unknown): BadInput {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, 'expected a BadInput to be thrown').toBeInstanceOf(BadInput);
  const error = thrown as BadInput;
  expect(error.statusCode).toBe(400);
  expect(typeof error.message).toBe('string');
  expect(error.message.trim()).not.toBe('');
  return error;
}

/** An address of exactly `length` characters (code points): "aaa…a@example.com". */
export function emailOfLength(length: number, filler = 'a'): string {
  const domain = '@example.com';
  return filler.repeat(length - domain.length) + domain;
}
