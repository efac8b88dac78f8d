/**
 * Masks what could be an email or a phone number in text bound for a log line (a database error
 * can quote the values of a statement). Logs carry ids and outcomes, never contact details.
 */
const EMAIL_LIKE = /[^\s'"`,;:()<>[\]{}]*@[^\s'"`,;:()<>[\]{}]*/g;
const DIGIT_RUN = /\+?\d[\d\s().-]{3,}\d/g;

function redact(text: string): string {
  return redactEmails(text).replace(DIGIT_RUN, '<digits>');
}

/** Masks only what could be an email: for text whose digit runs are ids (an ARN's account id). */
export function redactEmails(text: string): string {
  return text.replace(EMAIL_LIKE, '<email>');
}

/** The parts of an error worth logging, with contact details masked. */
export function redactError(error: unknown): { name: string; message: string; stack?: string } {
  if (!(error instanceof Error)) return { name: typeof error, message: redact(String(error)) };
  return { name: error.name, message: redact(error.message), stack: error.stack && redact(error.stack) };
}
