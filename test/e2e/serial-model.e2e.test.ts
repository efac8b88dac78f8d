import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { postIdentify, sql, uniqueDigits, uniqueTag } from '../support/helpers.js';
import { prng } from '../support/prng.js';
import { ModelBadInput, ReferenceModel } from '../support/reference-model.js';

// Long random serial sequences over HTTP, compared step by step with the reference model: /identify
// mostly, with /unlink (with and without "block"), /lookup, /erase (with and without "suppress"),
// /block and /unblock mixed in, so that values get blocked, erased, unlinked and unblocked again while
// customers keep coming. Every answer is compared, a 400 for a request whose only values are blocked
// included, and after every step the recorded pairings of the sequence's values; at the end every row
// the sequence made (tombstones too) and every stored blocked value. The database is shared with other
// tests, so real ids are mapped to model ids in order of creation.
const SEEDS = [11, 12, 13];
const STEPS = 200;
/** Each sequence draws its emails and phones from this many of each, so that requests meet. */
const VALUES = 12;

type Route = 'identify' | 'unlink' | 'lookup' | 'erase' | 'block' | 'unblock';

/** Each route's share of the steps: /identify the majority, so that groups keep forming for the others. */
const MIX: [Route, number][] = [
  ['identify', 0.54],
  ['unlink', 0.08],
  ['lookup', 0.12],
  ['erase', 0.07],
  ['block', 0.06],
  ['unblock', 0.13],
];

function routeOf(roll: number): Route {
  let upTo = 0;
  for (const [route, share] of MIX) {
    upTo += share;
    if (roll < upTo) return route;
  }
  return MIX.at(-1)![0];
}

/** One random request: its route, values and flags, and the body that says them. */
function randomRequest(random: () => number, emails: readonly string[], phones: readonly string[]) {
  const roll = random();
  let e = roll < 0.8 ? emails[Math.floor(random() * VALUES)]! : null;
  let p = roll > 0.2 ? phones[Math.floor(random() * VALUES)]! : null;
  const route = routeOf(random());
  const suppress = route === 'erase' && random() < 0.3;
  // /unlink takes exactly one value: the email or the phone of the roll, either when both came.
  if (route === 'unlink') [e, p] = p === null || (e !== null && random() < 0.5) ? [e, null] : [null, p];
  const block = route === 'unlink' && random() < 1 / 3;
  const body = {
    ...(route !== 'unlink' || e !== null ? { email: e } : {}),
    ...(route !== 'unlink' || p !== null ? { phoneNumber: p } : {}),
    ...(suppress ? { suppress } : {}),
    ...(block ? { block } : {}),
  };
  return { route, e, p, suppress, block, body };
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/**
 * The recorded pairings of the sequence's emails as the table holds them (SHA-256 of each value), as
 * sorted `email phone`; a phone that is none of the sequence's shows as its hash, and fails the comparison.
 */
async function storedPairings(emails: readonly string[], phones: readonly string[]): Promise<string[]> {
  const byHash = new Map([...emails, ...phones].map((value) => [sha256(value), value]));
  const [rows] = await sql().query('SELECT LOWER(HEX(emailHash)) AS e, LOWER(HEX(phoneHash)) AS p FROM ContactPairing WHERE emailHash IN (?)', [
    emails.map((value) => Buffer.from(sha256(value), 'hex')),
  ]);
  return (rows as { e: string; p: string }[]).map((row) => `${byHash.get(row.e)} ${byHash.get(row.p) ?? `phone hash ${row.p}`}`).sort();
}

/** The model's recorded pairings in the form of storedPairings. */
const modelPairings = (model: ReferenceModel) => model.pairings.map((pairing) => `${pairing.email} ${pairing.phoneNumber}`).sort();

describe('serial sequences against the reference model', () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}: ${STEPS} requests on every route answer exactly as the model`, async () => {
      const random = prng(seed);
      const tag = uniqueTag();
      const digits = uniqueDigits();
      const model = new ReferenceModel();
      const realIdOf = new Map<number, number>();
      const real = (id: number) => realIdOf.get(id);
      const emails = Array.from({ length: VALUES }, (_, k) => `m${k}.${tag}@example.com`);
      const phones = Array.from({ length: VALUES }, (_, k) => `${digits}${k}`);
      const routes: Record<Route, number> = { identify: 0, unlink: 0, lookup: 0, erase: 0, block: 0, unblock: 0 };
      let refused = 0;
      // Unlinks that split a group (more primaries after than groups that held the value), and of blocked values.
      let splits = 0;
      let unlinkedBlocked = 0;
      let mostPairings = 0;

      /** Step `step`: one request, its answer compared with the model's; returns what the step was. */
      const runStep = async (step: number): Promise<string> => {
        const { route, e, p, suppress, block, body } = randomRequest(random, emails, phones);
        routes[route]++;
        const what = `step ${step}: ${route} ${JSON.stringify(body)}`;
        const answer = await postIdentify(body, undefined, { path: `/${route}` });

        if (route === 'unlink') {
          const [kind, value] = e !== null ? (['email', e] as const) : (['phone', p!] as const);
          const held = model.rows.filter((row) => !row.deleted && (kind === 'email' ? row.email : row.phoneNumber) === value);
          const groupsHolding = new Set(held.map((row) => row.linkedId ?? row.id)).size; // before the model's unlink changes the rows
          if (model.isBlocked(kind, value)) unlinkedBlocked++;
          const expected = model.unlink(e, p, block);
          if (expected.unlinked.primaryContactIds.length > groupsHolding) splits++;
          expected.unlinked.primaryContactIds = expected.unlinked.primaryContactIds.map((id) => real(id)!);
          expect(answer.status, what).toBe(200);
          expect(answer.json, what).toEqual(expected);
          return what;
        }
        if (route === 'erase' || route === 'block' || route === 'unblock') {
          const expected = route === 'erase' ? model.erase(e, p, suppress) : route === 'block' ? model.block(e, p) : model.unblock(e, p);
          expect(answer.status, what).toBe(200);
          if ('erased' in expected) expected.erased.primaryContactIds = expected.erased.primaryContactIds.map((id) => real(id)!);
          expect(answer.json, what).toEqual(expected);
          return what;
        }

        let expected: ReturnType<ReferenceModel['identify']> | ReturnType<ReferenceModel['lookup']>;
        try {
          expected = route === 'identify' ? model.identify(e, p) : model.lookup(e, p);
        } catch (error) {
          if (!(error instanceof ModelBadInput)) throw error;
          // Only blocked values: bad input, nothing written.
          expect(answer.status, what).toBe(400);
          expect(answer.json.message, what).toMatch(/blocked/);
          refused++;
          return what;
        }
        expect(answer.status, what).toBe(200);
        if ('contacts' in expected) {
          const groups = expected.contacts.map((group) => ({
            ...group,
            primaryContactId: real(group.primaryContactId),
            secondaryContactIds: group.secondaryContactIds.map(real),
          }));
          expect(answer.json, what).toEqual({ contacts: groups });
          return what;
        }
        const actual = answer.json.contact;
        // Learn the ids of rows this step created, in order.
        const realIds = [actual.primaryContactId, ...actual.secondaryContactIds].filter((id: number) => ![...realIdOf.values()].includes(id));
        const newModelIds = model.rows.map((row) => row.id).filter((id) => !realIdOf.has(id));
        expect(realIds.length, `${what}: rows created`).toBe(newModelIds.length);
        for (const [i, id] of newModelIds.entries()) realIdOf.set(id, realIds[i]);
        const translated = {
          ...expected.contact,
          primaryContactId: real(expected.contact.primaryContactId),
          secondaryContactIds: expected.contact.secondaryContactIds.map(real),
        };
        expect(actual, what).toEqual(translated);
        return what;
      };

      for (let step = 0; step < STEPS; step++) {
        const what = await runStep(step);
        // Every pair of the sequence's emails and phones is recorded exactly when the model has it, after
        // every step (the last one's is the end state): by the end, erasures have usually dropped them all.
        expect(await storedPairings(emails, phones), `${what}: recorded pairings`).toEqual(modelPairings(model));
        mostPairings = Math.max(mostPairings, model.pairings.length);
      }

      // Every row the sequence made, as the model has it: tombstones without an email or a phone.
      const [rows] = await sql().query('SELECT id, email, phoneNumber, linkedId, linkPrecedence, deletedAt FROM Contact WHERE id IN (?) ORDER BY id', [
        [...realIdOf.values(), 0],
      ]);
      const stored = (
        rows as { id: number; email: string | null; phoneNumber: string | null; linkedId: number | null; linkPrecedence: string; deletedAt: string | null }[]
      ).map((row) => ({ ...row, deletedAt: row.deletedAt !== null }));
      expect(stored).toEqual(
        model.rows.map((row) => ({
          id: real(row.id),
          email: row.email,
          phoneNumber: row.phoneNumber,
          linkedId: row.linkedId === null ? null : real(row.linkedId),
          linkPrecedence: row.linkPrecedence,
          deletedAt: row.deleted,
        })),
      );
      // The stored blocked values, by their hashes.
      const values: ['email' | 'phone', string][] = [
        ...emails.map((value): ['email', string] => ['email', value]),
        ...phones.map((value): ['phone', string] => ['phone', value]),
      ];
      const [hashes] = await sql().query('SELECT kind, HEX(valueHash) AS hash FROM BlockedValue');
      const blocked = new Set((hashes as { kind: string; hash: string }[]).map((row) => `${row.kind}:${row.hash.toLowerCase()}`));
      for (const [kind, value] of values) {
        expect(blocked.has(`${kind}:${sha256(value)}`), `${kind} ${value} blocked`).toBe(model.isBlocked(kind, value));
      }
      // The mix reached every route, erased some groups, split some, and the pairings compared were not all empty.
      for (const count of Object.values(routes)) expect(count).toBeGreaterThan(0);
      expect(model.rows.some((row) => row.deleted)).toBe(true);
      expect(splits, 'unlinks that split a group').toBeGreaterThan(0);
      expect(mostPairings, 'most pairings recorded at once').toBeGreaterThan(0);
      console.log(
        `seed ${seed}: ${JSON.stringify(routes)}, ${refused} refused (only blocked values), ${splits} unlinks split a group, ${unlinkedBlocked} unlinked a blocked value, ` +
          `${model.rows.length} rows, ${model.blocked.size} blocked, at most ${mostPairings} pairings at once and ${model.pairings.length} at the end`,
      );
    });
  }
});
