import { describe, expect, it } from 'vitest';
import { postIdentify, uniqueDigits, uniqueTag } from '../support/helpers.js';
import { prng } from '../support/prng.js';
import { ReferenceModel } from '../support/reference-model.js';

// Long random serial sequences over HTTP (identify, and now and then a lookup), compared step by step with the reference model.
// The database is shared with other tests, so real ids are mapped to model ids in order of creation.
const SEEDS = [11, 12, 13];
const STEPS = 150;

describe('serial sequences against the reference model', () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}: ${STEPS} requests answer exactly as the model`, async () => {
      const random = prng(seed);
      const tag = uniqueTag();
      const digits = uniqueDigits();
      const model = new ReferenceModel();
      const realIdOf = new Map<number, number>();
      const email = (k: number) => `m${k}.${tag}@example.com`;
      const phone = (k: number) => `${digits}${k}`;
      for (let step = 0; step < STEPS; step++) {
        const roll = random();
        const e = roll < 0.8 ? email(Math.floor(random() * 12)) : null;
        const p = roll > 0.2 ? phone(Math.floor(random() * 12)) : null;
        if (random() < 0.15) {
          const looked = await postIdentify({ email: e, phoneNumber: p }, undefined, { path: '/lookup' });
          expect(looked.status, `step ${step}: lookup`).toBe(200);
          const real = (id: number) => realIdOf.get(id);
          const groups = model.lookup(e, p).contacts.map((group) => ({
            ...group,
            primaryContactId: real(group.primaryContactId),
            secondaryContactIds: group.secondaryContactIds.map(real),
          }));
          expect(looked.json, `step ${step}: lookup ${JSON.stringify({ e, p })}`).toEqual({ contacts: groups });
          continue;
        }
        const expected = model.identify(e, p);
        const answer = await postIdentify({ email: e, phoneNumber: p });
        expect(answer.status, `step ${step}`).toBe(200);
        const actual = answer.json.contact;
        // Learn the ids of rows this step created, in order.
        const realIds = [actual.primaryContactId, ...actual.secondaryContactIds].filter((id: number) => ![...realIdOf.values()].includes(id));
        const newModelIds = model.rows.map((row) => row.id).filter((id) => !realIdOf.has(id));
        expect(realIds.length, `step ${step}: rows created`).toBe(newModelIds.length);
        for (const [i, id] of newModelIds.entries()) realIdOf.set(id, realIds[i]);
        const translated = {
          ...expected.contact,
          primaryContactId: realIdOf.get(expected.contact.primaryContactId),
          secondaryContactIds: expected.contact.secondaryContactIds.map((id) => realIdOf.get(id)),
        };
        expect(actual, `step ${step}: ${JSON.stringify({ e, p })}`).toEqual(translated);
      }
    });
  }
});
