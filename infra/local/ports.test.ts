import { describe, expect, it } from 'vitest';
import { BadSetting, portFrom } from './ports.js';

describe('ports from the environment', () => {
  it('takes a port number, and the default when unset or empty', () => {
    expect(portFrom({ PORT: '4400' }, 'PORT', 3000)).toBe(4400);
    expect(portFrom({ PORT: '0' }, 'PORT', 3000)).toBe(0);
    expect(portFrom({}, 'PORT', 3000)).toBe(3000);
    expect(portFrom({ PORT: '' }, 'PORT', 3000)).toBe(3000);
  });

  it('refuses anything else with one line naming the variable and the value', () => {
    for (const raw of ['abc', '-1', '65536', '80.5', '1e3', ' ', '0x50']) {
      expect(() => portFrom({ LAMBDA_PORT: raw }, 'LAMBDA_PORT', 3002), raw).toThrow(BadSetting);
      expect(() => portFrom({ LAMBDA_PORT: raw }, 'LAMBDA_PORT', 3002), raw).toThrow(
        `LAMBDA_PORT must be a port number from 0 to 65535 (0 picks a free one), not "${raw}"`,
      );
    }
  });
});
