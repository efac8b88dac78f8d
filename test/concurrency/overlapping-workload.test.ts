import { afterEach, describe, expect, it, vi } from 'vitest';
import { uniqueDigits } from '../support/helpers.js';
import { generateWorkload, workloadValues } from './overlapping-workload.js';

// The clock picks a run's digits; phones sent as JSON numbers must stay whole at every hour of the day.
const CLOCKS = [0, 9_007_199_254_740, 99_999_999, Date.UTC(2026, 11, 5, 17, 5)];

describe('overlapping workload', () => {
  afterEach(() => vi.useRealTimers());

  for (const clock of CLOCKS) {
    it(`sends every phone whole at clock ${clock}`, () => {
      vi.useFakeTimers({ now: clock, toFake: ['Date'] });
      const options = { seed: 7, requests: 2_000, emails: 24, phones: 24, tag: 'unit', digits: uniqueDigits(), mix: 'all' as const };
      const requests = generateWorkload(options);
      const phones = new Set(workloadValues(options).phones);
      const numeric = requests.filter((r) => typeof r.body.phoneNumber === 'number');
      expect(numeric.length).toBeGreaterThan(50);
      for (const r of numeric) {
        expect(Number.isSafeInteger(r.body.phoneNumber)).toBe(true);
        expect(String(r.body.phoneNumber)).toBe(r.phone);
      }
      for (const r of requests) if (r.phone !== null) expect(phones.has(r.phone)).toBe(true);
    });
  }

  it('refuses digits a JSON number cannot carry whole', () => {
    expect(() => generateWorkload({ seed: 7, requests: 200, emails: 24, phones: 24, tag: 'unit', digits: '90081992547409' })).toThrow(
      /cannot be sent as a JSON number/,
    );
  });
});
