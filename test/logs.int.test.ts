import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalDataApi } from 'local-data-api';
import { invoke, type Handler } from '../dev/lambda.js';
import { startOwnDataApi } from './own-data-api.js';
import { uniqueDigits, uniqueTag } from './support.js';

// No email or phone number appears in any log line of a run: the handler's structured logs
// (Powertools, at DEBUG) and the local Data API server's call log, over good, bad and failing requests.
let server: LocalDataApi;
const serverLines: string[] = [];
let handler: Handler;

beforeAll(async () => {
  ({ server, handler } = await startOwnDataApi({
    server: { log: (line) => serverLines.push(line) },
    logger: new Logger({ serviceName: 'identify', logLevel: 'DEBUG' }),
  }));
});
afterAll(async () => server?.close());

describe('logs', () => {
  it('carry outcomes and ids, never an email or a phone number', async () => {
    const tag = uniqueTag();
    const digits = uniqueDigits();
    const emails = [`lorraine.${tag}@hillvalley.edu`, `mcfly.${tag}@hillvalley.edu`, `biff.${tag}@hillvalley.edu`];
    const phones = [`${digits}1`, `${digits}2`];
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const errSpy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      await invoke(handler, { email: emails[0], phoneNumber: phones[0] }); // created
      await invoke(handler, { email: emails[1], phoneNumber: phones[0] }); // linked
      await invoke(handler, { email: emails[2], phoneNumber: phones[1] }); // created
      await invoke(handler, { email: emails[0], phoneNumber: phones[1] }); // merged
      await invoke(handler, { email: emails[1] }); // read
      await invoke(handler, { email: `${emails[0]} x` }); // invalid email, quoting it would leak
      await invoke(handler, { [emails[2]!]: phones[1] }); // an unknown field named after an email
      await invoke(handler, `{"email":"${emails[0]}"`); // malformed JSON
      await invoke(handler, { email: emails[0], phoneNumber: `${phones[0]}x` }); // invalid phone
      server.faults.unreachable = true;
      await invoke(handler, { email: emails[0], phoneNumber: phones[0] }, { budgetMs: 300 }); // 503
      server.faults.unreachable = false;
    } finally {
      spy.mockRestore();
      errSpy.mockRestore();
    }
    const lines = [...written.join('').split('\n'), ...serverLines].filter((line) => line.trim() !== '');
    const outcomes = lines.filter((line) => line.includes('"identified"')).map((line) => JSON.parse(line).outcome);
    expect(outcomes).toEqual(['created', 'linked', 'created', 'merged', 'read']);
    expect(lines.filter((line) => line.includes('"rejected"'))).toHaveLength(4);
    expect(lines.some((line) => line.includes('"unavailable"'))).toBe(true);
    for (const line of lines) {
      for (const secret of [...emails, ...phones, tag, digits]) expect(line, line).not.toContain(secret);
    }
    // Structured: every handler line is JSON with the request id.
    for (const line of written.join('').split('\n').filter((l) => l.trim())) {
      expect(JSON.parse(line)).toHaveProperty('function_request_id');
    }
  });
});
