import { type DataApiError, dataApiError } from './errors.js';

/** Switches that make the server answer as AWS does in bad times, for fault tests. */
export interface Faults {
  /** Until this time (ms since epoch) every call answers DatabaseResumingException. */
  resumingUntil: number;
  /** While true every call answers as AWS does when the writer is gone. */
  unreachable: boolean;
}

export function noFaults(): Faults {
  return { resumingUntil: 0, unreachable: false };
}

/** The error every call answers while a switch is on, or undefined. */
export function faultError(faults: Faults, resourceArn: string, now = Date.now()): DataApiError | undefined {
  if (faults.unreachable) return dataApiError('DatabaseUnavailableException', 'The database is unavailable. Try again later.');
  if (now < faults.resumingUntil) {
    return dataApiError(
      'DatabaseResumingException',
      `The Aurora DB instance ${resourceArn} is resuming after being auto-paused. Please wait a few seconds and try again.`,
    );
  }
  return undefined;
}
