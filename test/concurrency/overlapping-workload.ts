import { prng } from '../support/prng.js';

/** A seeded, replayable workload over a small set of emails and phones, so that requests overlap. */

export interface WorkloadOptions {
  seed: number;
  requests: number;
  emails: number;
  phones: number;
  /** Makes the keys of this run unique in a shared database. */
  tag: string;
  digits: string;
}

export interface WorkloadRequest {
  index: number;
  body: { email?: string | null; phoneNumber?: string | number | null };
  email: string | null;
  phone: string | null;
}

export function generateWorkload(options: WorkloadOptions): WorkloadRequest[] {
  const random = prng(options.seed);
  const pick = (n: number) => Math.floor(random() * n);
  const email = (k: number) => `e${k}.${options.tag}@example.com`;
  const phone = (k: number) => `${options.digits}${String(k).padStart(2, '0')}`;
  // Keys fall into blocks of three; requests mostly pair keys of one block and now and then link two
  // blocks, so a run ends with a few groups, some of them merged from several.
  const BLOCK = 3;
  const blocks = Math.max(1, Math.floor(Math.min(options.emails, options.phones) / BLOCK));
  return Array.from({ length: options.requests }, (_, index) => {
    const block = pick(blocks);
    const phoneBlock = random() < 0.015 ? pick(blocks) : block;
    const e = email(block * BLOCK + pick(BLOCK));
    const p = phone(phoneBlock * BLOCK + pick(BLOCK));
    const roll = random();
    const chosen = roll < 0.7 ? { e, p } : roll < 0.85 ? { e, p: null } : { e: null, p };
    // Vary the wire form too: nulls, missing fields, a phone as a JSON number, case and spaces in the email.
    const body: WorkloadRequest['body'] = {};
    if (chosen.e !== null) body.email = random() < 0.2 ? `  ${chosen.e.toUpperCase()} ` : chosen.e;
    else if (random() < 0.5) body.email = null;
    if (chosen.p !== null) body.phoneNumber = random() < 0.2 ? Number(chosen.p) : chosen.p;
    else if (random() < 0.5) body.phoneNumber = null;
    return { index, body, email: chosen.e, phone: chosen.p };
  });
}
