import { prng } from '../support/prng.js';

/** A seeded, replayable workload over a small set of emails and phones, so that requests overlap. */

export type Route = 'identify' | 'lookup' | 'erase' | 'block' | 'unblock' | 'unlink';

export interface WorkloadOptions {
  seed: number;
  requests: number;
  emails: number;
  phones: number;
  /** Makes the keys of this run unique in a shared database. */
  tag: string;
  digits: string;
  /**
   * 'identify' (the default): every request is an /identify. 'all': mostly /identify, with /lookup,
   * /erase (a third with "suppress"), /block, /unblock and /unlink (a third with "block") mixed in, and
   * values that identify nobody typed now and then (two shop phones, blocked and unblocked again and
   * again; a junk email, blocked and never unblocked), which the unlinks mostly take out.
   */
  mix?: 'identify' | 'all';
}

export interface WorkloadRequest {
  index: number;
  /** Which route (default /identify). */
  route?: Route;
  body: { email?: string | null; phoneNumber?: string | number | null; suppress?: boolean; block?: boolean };
  /** The normalised keys the body carries. */
  email: string | null;
  phone: string | null;
  /** /erase only. */
  suppress?: boolean;
  /** /unlink only. */
  block?: boolean;
  /** The Lambda request id to invoke with (in-process runs), unique in the shared database: audit records carry it. */
  requestId?: string;
}

/** The route's share in the 'all' mix (cumulative thresholds, checked in order). */
const MIX: [Route, number][] = [
  ['identify', 0.7],
  ['lookup', 0.8],
  ['erase', 0.85],
  ['block', 0.9],
  ['unblock', 0.96],
  ['unlink', 1],
];

export function generateWorkload(options: WorkloadOptions): WorkloadRequest[] {
  const random = prng(options.seed);
  const pick = (n: number) => Math.floor(random() * n);
  const email = (k: number) => `e${k}.${options.tag}@example.com`;
  const phone = (k: number) => `${options.digits}${String(k).padStart(2, '0')}`;
  // Values that identify nobody: a shop's own phone numbers, typed at the till for many customers,
  // blocked and unblocked again and again; and an email like test@test.com, blocked and never unblocked.
  const shopPhone = (k: number) => `${options.digits}9${k}`;
  const junkEmail = `junk.${options.tag}@example.com`;
  // Keys fall into blocks of three; requests mostly pair keys of one block and now and then link two
  // blocks, so a run ends with a few groups, some of them merged from several.
  const BLOCK = 3;
  const blocks = Math.max(1, Math.floor(Math.min(options.emails, options.phones) / BLOCK));
  const all = options.mix === 'all';
  return Array.from({ length: options.requests }, (_, index): WorkloadRequest => {
    const block = pick(blocks);
    const phoneBlock = random() < 0.015 ? pick(blocks) : block;
    const e = email(block * BLOCK + pick(BLOCK));
    const p = phone(phoneBlock * BLOCK + pick(BLOCK));
    const roll = random();
    let chosen = roll < 0.7 ? { e, p } : roll < 0.85 ? { e, p: null } : { e: null, p };
    const requestId = `${options.tag}-${index}`;
    let route: Route = 'identify';
    if (all) {
      const which = random();
      route = MIX.find(([, upTo]) => which < upTo)![0];
      const shop = shopPhone(pick(2));
      if ((route === 'identify' || route === 'lookup') && chosen.p !== null && random() < 0.1) chosen = { ...chosen, p: shop };
      if ((route === 'identify' || route === 'lookup') && chosen.e !== null && random() < 0.05) chosen = { ...chosen, e: junkEmail };
      // An erasure names one key of a customer; blocks and unblocks mostly the shop phones, blocks the junk email too.
      if (route === 'erase') chosen = random() < 0.5 ? { e, p: null } : { e: null, p };
      const other = random();
      const customer = random() < 0.5 ? { e, p: null } : { e: null, p };
      if (route === 'block') chosen = other < 0.5 ? { e: null, p: shop } : other < 0.75 ? { e: junkEmail, p: null } : customer;
      if (route === 'unblock') chosen = other < 0.7 ? { e: null, p: shop } : customer;
      // An unlink takes out one value: mostly a shop phone or the junk email, now and then a customer's.
      if (route === 'unlink') chosen = other < 0.45 ? { e: null, p: shop } : other < 0.6 ? { e: junkEmail, p: null } : customer;
      if (route !== 'identify') {
        const flag = random() < 1 / 3;
        const suppress = route === 'erase' && flag;
        const block = route === 'unlink' && flag;
        const body: WorkloadRequest['body'] =
          chosen.e === null ? { phoneNumber: chosen.p } : chosen.p === null ? { email: chosen.e } : { email: chosen.e, phoneNumber: chosen.p };
        if (suppress) body.suppress = true;
        if (block) body.block = true;
        const flags = route === 'erase' ? { suppress } : route === 'unlink' ? { block } : {};
        return { index, route, body, email: chosen.e, phone: chosen.p, ...flags, requestId };
      }
    }
    // Vary the wire form too: nulls, missing fields, a phone as a JSON number, case and spaces in the email.
    const body: WorkloadRequest['body'] = {};
    if (chosen.e !== null) body.email = random() < 0.2 ? `  ${chosen.e.toUpperCase()} ` : chosen.e;
    else if (random() < 0.5) body.email = null;
    if (chosen.p !== null) body.phoneNumber = random() < 0.2 ? phoneAsNumber(chosen.p) : chosen.p;
    else if (random() < 0.5) body.phoneNumber = null;
    return { index, ...(all ? { route } : {}), body, email: chosen.e, phone: chosen.p, requestId };
  });
}

/** Every value a workload can send: its emails and phones, the junk email and the shop phones. */
export function workloadValues(options: Pick<WorkloadOptions, 'emails' | 'phones' | 'tag' | 'digits'>): { emails: string[]; phones: string[] } {
  return {
    emails: [...Array.from({ length: options.emails }, (_, k) => `e${k}.${options.tag}@example.com`), `junk.${options.tag}@example.com`],
    phones: [
      ...Array.from({ length: options.phones }, (_, k) => `${options.digits}${String(k).padStart(2, '0')}`),
      `${options.digits}90`,
      `${options.digits}91`,
    ],
  };
}

/** A phone as a JSON number, which only a safe integer without a leading zero keeps whole. */
function phoneAsNumber(phone: string): number {
  const n = Number(phone);
  if (!Number.isSafeInteger(n) || String(n) !== phone) throw new Error(`workload phone ${phone} cannot be sent as a JSON number: choose other digits`);
  return n;
}
