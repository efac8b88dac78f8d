import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { BadInput } from '../../errors.js';

/**
 * Refuses a JSON body in which an object repeats a key. JSON.parse would silently keep the last
 * one, so `{"email": "a@x.io", "email": "b@x.io"}` would mean whatever the last writer wanted.
 * Runs before the JSON parser; a body that is not well-formed JSON is left to the parser's error.
 */
export function rejectDuplicateKeys(): MiddlewareObj<APIGatewayProxyEventV2> {
  return {
    before: ({ event }) => {
      if (typeof event.body !== 'string') return;
      const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
      const duplicate = findDuplicateKey(text);
      if (duplicate !== undefined) {
        throw new BadInput(`the JSON body repeats the key ${JSON.stringify(duplicate)}; send each field once`);
      }
    },
  };
}

/** The first key that an object of `text` repeats, or undefined. Escapes are decoded before comparing. */
export function findDuplicateKey(text: string): string | undefined {
  // Each open container: a Set of keys for an object, null for an array.
  const stack: (Set<string> | null)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      const end = endOfString(text, i);
      if (end < 0) return undefined;
      const top = stack[stack.length - 1];
      if (top && expectKey) {
        let key: string;
        try {
          key = JSON.parse(text.slice(i, end + 1)) as string;
        } catch {
          return undefined;
        }
        if (top.has(key)) return key;
        top.add(key);
        expectKey = false;
      }
      i = end;
    } else if (ch === '{') {
      stack.push(new Set());
      expectKey = true;
    } else if (ch === '[') {
      stack.push(null);
    } else if (ch === '}' || ch === ']') {
      stack.pop();
    } else if (ch === ',') {
      expectKey = stack[stack.length - 1] instanceof Set;
    }
  }
  return undefined;
}

function endOfString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}
