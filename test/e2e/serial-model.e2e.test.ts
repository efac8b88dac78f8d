import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { postIdentify, sql, uniqueDigits, uniqueTag } from '../support/helpers.js';
import { prng } from '../support/prng.js';
import { ModelBadInput, ReferenceModel } from '../support/reference-model.js';

// Long random serial sequences over HTTP, compared step by step with the reference model: /identify
// mostly, with /lookup, /erase (with and without "suppress"), /block and /unblock mixed in, so that
// values get blocked, erased and unblocked again while customers keep coming. Every answer is compared,
// a 400 for a request whose only values are blocked included; at the end every row the sequence made
// (tombstones too) and every stored blocked value. The database is shared with other tests, so real ids
// are mapped to model ids in order of creation.
const SEEDS = [11, 12, 13];
const STEPS = 200;

type Route = 'identify' | 'lookup' | 'erase' | 'block' | 'unblock';

describe('serial sequences against the reference model', () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}: ${STEPS} requests on every route answer exactly as the model`, async () => {
      const random = prng(seed);
      const tag = uniqueTag();
      const digits = uniqueDigits();
      const model = new ReferenceModel();
      const realIdOf = new Map<number, number>();
      const real = (id: number) => realIdOf.get(id);
      const email = (k: number) => `m${k}.${tag}@example.com`;
      const phone = (k: number) => `${digits}${k}`;
      const routes: Record<Route, number> = { identify: 0, lookup: 0, erase: 0, block: 0, unblock: 0 };
      let refused = 0;
      for (let step = 0; step < STEPS; step++) {
        const roll = random();
        const e = roll < 0.8 ? email(Math.floor(random() * 12)) : null;
        const p = roll > 0.2 ? phone(Math.floor(random() * 12)) : null;
        const which = random();
        const route: Route = which < 0.62 ? 'identify' : which < 0.74 ? 'lookup' : which < 0.81 ? 'erase' : which < 0.87 ? 'block' : 'unblock';
        const suppress = route === 'erase' && random() < 0.3;
        routes[route]++;
        const what = `step ${step}: ${route} ${JSON.stringify({ e, p, suppress })}`;
        const answer = await postIdentify({ email: e, phoneNumber: p, ...(suppress ? { suppress } : {}) }, undefined, { path: `/${route}` });

        if (route === 'erase' || route === 'block' || route === 'unblock') {
          const expected = route === 'erase' ? model.erase(e, p, suppress) : route === 'block' ? model.block(e, p) : model.unblock(e, p);
          expect(answer.status, what).toBe(200);
          if ('erased' in expected) expected.erased.primaryContactIds = expected.erased.primaryContactIds.map((id) => real(id)!);
          expect(answer.json, what).toEqual(expected);
          continue;
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
          continue;
        }
        expect(answer.status, what).toBe(200);
        if ('contacts' in expected) {
          const groups = expected.contacts.map((group) => ({
            ...group,
            primaryContactId: real(group.primaryContactId),
            secondaryContactIds: group.secondaryContactIds.map(real),
          }));
          expect(answer.json, what).toEqual({ contacts: groups });
          continue;
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
        ...Array.from({ length: 12 }, (_, k): ['email', string] => ['email', email(k)]),
        ...Array.from({ length: 12 }, (_, k): ['phone', string] => ['phone', phone(k)]),
      ];
      const [hashes] = await sql().query('SELECT kind, HEX(valueHash) AS hash FROM BlockedValue');
      const blocked = new Set((hashes as { kind: string; hash: string }[]).map((row) => `${row.kind}:${row.hash.toLowerCase()}`));
      for (const [kind, value] of values) {
        const hash = createHash('sha256').update(value).digest('hex');
        expect(blocked.has(`${kind}:${hash}`), `${kind} ${value} blocked`).toBe(model.isBlocked(kind, value));
      }
      // The mix reached every route, and erased some groups.
      for (const count of Object.values(routes)) expect(count).toBeGreaterThan(0);
      expect(model.rows.some((row) => row.deleted)).toBe(true);
      console.log(
        `seed ${seed}: ${JSON.stringify(routes)}, ${refused} refused (only blocked values), ${model.rows.length} rows, ${model.blocked.size} blocked at the end`,
      );
    });
  }
});
