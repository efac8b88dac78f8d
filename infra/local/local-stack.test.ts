import { describe, expect, it } from 'vitest';
import { localStackOptionsFromEnv } from './local-stack.js';

// How `npm start` (and the benchmark) read their settings from the environment, without starting anything.

describe('DATA_API_SOCKET', () => {
  it('lets the Data API server use the MySQL server’s Unix socket when unset or on', () => {
    expect(localStackOptionsFromEnv({}).dataApi).toEqual({ preferSocket: true });
    expect(localStackOptionsFromEnv({ DATA_API_SOCKET: '1' }).dataApi).toEqual({ preferSocket: true });
  });

  it('keeps it on TCP with 0, false, no or off, as the local-data-api command reads the same variable', () => {
    for (const value of ['0', 'false', 'NO', 'off']) {
      expect(localStackOptionsFromEnv({ DATA_API_SOCKET: value }).dataApi, value).toEqual({ preferSocket: false });
    }
  });
});
