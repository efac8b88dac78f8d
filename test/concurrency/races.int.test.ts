import { LOCAL_DEFAULTS } from 'local-data-api';
import { describe, expect, it } from 'vitest';
import { Conflict } from '../../lib/errors.js';
import { RETRY } from '../../lib/runtime/container.js';
import { IdentifyService } from '../../lib/service/identify-service.js';
import { LookupService } from '../../lib/service/lookup-service.js';
import { PrivacyService } from '../../lib/service/privacy-service.js';
import { ContactRepository } from '../../lib/store/contact-repository.js';
import { DataApiExecutor } from '../../lib/store/data-api/executor.js';
import { PrivacyRepository } from '../../lib/store/privacy-repository.js';
import type { SqlExecutor } from '../../lib/store/sql-executor.js';
import { dataApiClient, repository, rowsTagged, sql, stack, uniqueDigits, uniqueTag } from '../support/helpers.js';

// Races inside one process, each call on its own Data API connection. The multi-process
// randomized checker (checker.int.test.ts) covers the general case.
const service = new IdentifyService({ repository: repository(), retry: RETRY });
const identify = (email: string | null, phoneNumber: string | null) => service.identify({ email, phoneNumber }, { timeLeftMs: () => 25_000 });
const N = 32;

// The privacy and lookup use cases of the races below, on an executor of their own (each call its own connection).
const executor = new DataApiExecutor(dataApiClient(), {
  resourceArn: LOCAL_DEFAULTS.resourceArn,
  secretArn: LOCAL_DEFAULTS.secretArn,
  database: stack().dbName,
});
const call = { timeLeftMs: () => 25_000 };
const audit = { caller: null, requestId: null };
const privacy = new PrivacyService({ repository: new PrivacyRepository(executor), retry: RETRY });
const lookup = new LookupService({ repository: new ContactRepository(executor), retry: RETRY });

async function stats() {
  const response = await fetch(`${stack().dataApiUrl}/_local/stats`);
  return (await response.json()) as { openTransactions: number };
}

describe('racing requests', () => {
  it(`${N} identical first-time requests at once create exactly one row`, async () => {
    const tag = uniqueTag();
    const email = `same.${tag}@example.com`;
    const phone = uniqueDigits();
    const answers = await Promise.all(Array.from({ length: N }, () => identify(email, phone)));
    const rows = await rowsTagged(tag);
    expect(rows).toHaveLength(1);
    for (const answer of answers) {
      expect(answer.response.contact).toEqual({ primaryContactId: rows[0]!.id, emails: [email], phoneNumbers: [phone], secondaryContactIds: [] });
    }
    expect(answers.filter((answer) => answer.outcome === 'created')).toHaveLength(1);
  });

  it(`${N} first-time requests that share only the email create one primary and one secondary per phone`, async () => {
    const tag = uniqueTag();
    const email = `shared.${tag}@example.com`;
    const digits = uniqueDigits();
    await Promise.all(Array.from({ length: N }, (_, i) => identify(email, `${digits}${i}`)));
    const rows = await rowsTagged(tag);
    expect(rows).toHaveLength(N);
    const primaries = rows.filter((row) => row.linkPrecedence === 'primary');
    expect(primaries).toHaveLength(1);
    expect(rows.every((row) => row === primaries[0] || row.linkedId === primaries[0]!.id)).toBe(true);
  });

  it(`${N} requests that each join the same two clusters at once leave exactly one primary`, async () => {
    const tag = uniqueTag();
    const digits = uniqueDigits();
    const a = await identify(`a.${tag}@example.com`, `${digits}1`);
    await identify(`b.${tag}@example.com`, `${digits}2`);
    const answers = await Promise.all(
      Array.from({ length: N }, (_, i) => (i % 2 ? identify(`a.${tag}@example.com`, `${digits}2`) : identify(`b.${tag}@example.com`, `${digits}1`))),
    );
    const rows = await rowsTagged(tag);
    expect(rows).toHaveLength(2);
    expect(rows.map((row) => [row.linkPrecedence, row.linkedId])).toEqual([
      ['primary', null],
      ['secondary', a.response.contact.primaryContactId],
    ]);
    for (const answer of answers) expect(answer.response.contact.primaryContactId).toBe(a.response.contact.primaryContactId);
    expect((await stats()).openTransactions).toBe(0);
  });

  it(`${N} requests joining a chain of clusters pairwise at once end in one group with no chains`, async () => {
    const tag = uniqueTag();
    const digits = uniqueDigits();
    const email = (i: number) => `c${i}.${tag}@example.com`;
    for (let i = 0; i < N; i++) await identify(email(i), `${digits}${i}`);
    // Request i links cluster i (by email) with cluster i+1 (by phone).
    await Promise.all(Array.from({ length: N - 1 }, (_, i) => identify(email(i), `${digits}${i + 1}`)));
    const rows = await rowsTagged(tag);
    const primaries = rows.filter((row) => row.linkPrecedence === 'primary');
    expect(primaries).toHaveLength(1);
    expect(primaries[0]!.email).toBe(email(0));
    expect(rows.filter((row) => row !== primaries[0]).every((row) => row.linkedId === primaries[0]!.id)).toBe(true);
    expect(rows).toHaveLength(N);
  });
});

// A stored blocked value is treated as absent by /identify. The write that follows its read must
// still find it blocked: when an unblock commits between the read and the write, and a lookup sees
// the value unblocked and no row of the request yet, the request can only come after both, so it
// must match (and link into) the group that holds the value, not store the request without it.
describe('an unblock racing an identify that found the value blocked', () => {
  /** An identify service whose statements pass through `hook` first (inside transactions too). */
  function hookedService(hook: (text: string, inTransaction: boolean) => Promise<void>) {
    const wrap = (inner: SqlExecutor, inTransaction: boolean): SqlExecutor => ({
      async run(text, params) {
        await hook(text, inTransaction);
        return inner.run(text, params);
      },
      transaction: (work) => inner.transaction((tx) => work(wrap(tx, true))),
    });
    return new IdentifyService({ repository: new ContactRepository(wrap(executor, false)), retry: RETRY });
  }

  /** Alice's group holds the shop's phone, then the phone is blocked; returns what the race needs. */
  async function blockedShopPhone() {
    const tag = uniqueTag();
    const shop = uniqueDigits();
    const alice = await service.identify({ email: `alice.${tag}@x.io`, phoneNumber: shop }, call);
    await privacy.block({ email: null, phoneNumber: shop }, audit, call);
    const meanwhile = async () => {
      await privacy.unblock({ email: null, phoneNumber: shop }, audit, call);
      return lookup.lookup({ email: `bob.${tag}@x.io`, phoneNumber: shop }, call);
    };
    return { tag, shop, alice: alice.response.contact, meanwhile };
  }

  async function expectBobLinkedToAlice(answer: Awaited<ReturnType<IdentifyService['identify']>>, setup: Awaited<ReturnType<typeof blockedShopPhone>>) {
    // The lookup saw the phone unblocked and no Bob: Bob's request comes after it, and the phone links him to Alice.
    expect(answer.response.contact).toMatchObject({
      primaryContactId: setup.alice.primaryContactId,
      emails: [`alice.${setup.tag}@x.io`, `bob.${setup.tag}@x.io`],
      phoneNumbers: [setup.shop],
    });
    const rows = (await rowsTagged(setup.tag)).filter((row) => row.deletedAt === null);
    expect(rows.map((row) => [row.email, row.phoneNumber, row.linkedId])).toEqual([
      [`alice.${setup.tag}@x.io`, setup.shop, null],
      [`bob.${setup.tag}@x.io`, setup.shop, setup.alice.primaryContactId],
    ]);
  }

  it('the one-statement insert (path 2) re-checks that the value is still blocked', async () => {
    const setup = await blockedShopPhone();
    let seen: Awaited<ReturnType<LookupService['lookup']>> | undefined;
    const racing = hookedService(async (text) => {
      if (!seen && /^\s*INSERT INTO Contact/.test(text)) seen = await setup.meanwhile();
    });
    const bob = await racing.identify({ email: `bob.${setup.tag}@x.io`, phoneNumber: setup.shop }, call);
    expect(seen?.contacts.map((group) => group.primaryContactId)).toEqual([setup.alice.primaryContactId]);
    await expectBobLinkedToAlice(bob, setup);
  });

  it('the locked transaction (path 3) re-checks it too', async () => {
    const setup = await blockedShopPhone();
    let conflicted = false;
    let seen: Awaited<ReturnType<LookupService['lookup']>> | undefined;
    const racing = hookedService(async (text, inTransaction) => {
      // The first write fails as a lost race would, so the next attempt takes the locked path.
      if (!conflicted && /^\s*INSERT INTO Contact/.test(text)) {
        conflicted = true;
        throw new Conflict('a race lost on purpose');
      }
      if (conflicted && !seen && inTransaction) seen = await setup.meanwhile();
    });
    const bob = await racing.identify({ email: `bob.${setup.tag}@x.io`, phoneNumber: setup.shop }, call);
    expect(seen?.contacts.map((group) => group.primaryContactId)).toEqual([setup.alice.primaryContactId]);
    await expectBobLinkedToAlice(bob, setup);
  });
});

describe('a /block of another value of the group racing an identify that writes', () => {
  /** An identify service that runs `meanwhile` once, just before its first statement matching `when`. */
  const racingService = (when: RegExp, meanwhile: () => Promise<unknown>) => {
    let done = false;
    const wrap = (inner: SqlExecutor): SqlExecutor => ({
      async run(text, params) {
        if (!done && when.test(text)) {
          done = true;
          await meanwhile();
        }
        return inner.run(text, params);
      },
      transaction: (work) => inner.transaction((tx) => work(wrap(tx))),
    });
    return new IdentifyService({ repository: new ContactRepository(wrap(executor)), retry: RETRY });
  };

  // Alice holds her phone; her request brings a second phone (a new detail) or another group's phone (a
  // merge). Between the identify's read and its write the phone is blocked and a lookup sees Alice's group
  // without it and without the new row. The identify then comes after both: its answer shows no phone.
  for (const [kind, write] of [
    ['new detail (one conditional INSERT)', /^\s*INSERT INTO Contact/],
    ['merge (one conditional UPDATE)', /^UPDATE Contact c JOIN/],
  ] as const) {
    it(`the ${kind} answers the phone's new state, never the one its read saw`, async () => {
      const tag = uniqueTag();
      const phone = uniqueDigits();
      const alice = await service.identify({ email: `alice.${tag}@x.io`, phoneNumber: phone }, call);
      if (kind.startsWith('merge')) await service.identify({ email: `alice2.${tag}@x.io`, phoneNumber: `${phone}9` }, call);
      let seen: Awaited<ReturnType<LookupService['lookup']>> | undefined;
      const racing = racingService(write, async () => {
        await privacy.block({ email: null, phoneNumber: phone }, audit, call);
        seen = await lookup.lookup({ email: `alice.${tag}@x.io`, phoneNumber: null }, call);
      });
      // A merge brings alice2's phone to Alice's email; a new detail brings Alice a second phone.
      const request = kind.startsWith('merge')
        ? { email: `alice.${tag}@x.io`, phoneNumber: `${phone}9` }
        : { email: `alice.${tag}@x.io`, phoneNumber: `${phone}8` };
      const answer = await racing.identify(request, call);
      expect(seen?.contacts).toEqual([{ ...alice.response.contact, phoneNumbers: [] }]);
      expect(answer.response.contact.phoneNumbers).toEqual([request.phoneNumber]);
      expect(answer.response.contact.primaryContactId).toBe(alice.response.contact.primaryContactId);
      await privacy.unblock({ email: null, phoneNumber: phone }, audit, call);
    });
  }
});

// An erasure racing an identify that links a new detail into the group being erased: the identify
// comes wholly before the erasure (its new row is erased with the group) or wholly after it (a new
// customer that holds none of the erased rows or values, bar the request's own). Never a live row
// linked to a tombstone, never a group erased in part. With "suppress", the phone the identify
// shares with the group is blocked by an erasure that comes first, so the identify cannot store it.
// Four ways to start them, in turn: both at once (either sent first), the identify sent when the
// erasure begins to lock, the erasure sent when the identify is about to write.
describe('an erasure racing an identify that links into the same group', () => {
  const ROUNDS = 32;
  const executor = new DataApiExecutor(dataApiClient(), {
    resourceArn: LOCAL_DEFAULTS.resourceArn,
    secretArn: LOCAL_DEFAULTS.secretArn,
    database: stack().dbName,
  });
  const call = { timeLeftMs: () => 25_000 };
  /** Runs `before` (once set) ahead of the next statement that matches `when`. */
  const tripwire = (when: RegExp) => {
    const wire: { before?: () => void } = {};
    const wrap = (inner: SqlExecutor): SqlExecutor => ({
      async run(text, params) {
        if (wire.before && when.test(text)) {
          const before = wire.before;
          wire.before = undefined;
          before();
        }
        return inner.run(text, params);
      },
      transaction: (work) => inner.transaction((tx) => work(wrap(tx))),
    });
    return { wire, executor: wrap(executor) };
  };
  const identifyWrites = tripwire(/^\s*INSERT INTO Contact/);
  const linker = new IdentifyService({ repository: new ContactRepository(identifyWrites.executor), retry: RETRY });
  const eraseLocks = tripwire(/FOR UPDATE/);
  const eraser = new PrivacyService({ repository: new PrivacyRepository(eraseLocks.executor), retry: RETRY });

  it(`is wholly before or wholly after it, ${ROUNDS} rounds`, async () => {
    const outcomes = { identifyFirst: 0, eraseFirst: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      const tag = uniqueTag();
      const phone = uniqueDigits();
      const email = (name: string) => `${name}.${tag}@x.io`;
      const suppress = round % 2 === 1;
      await identify(email('lorraine'), phone);
      const group = (await identify(email('george'), phone)).response.contact;
      const groupIds = [group.primaryContactId, ...group.secondaryContactIds];
      const linking = () => linker.identify({ email: email('marty'), phoneNumber: phone }, call);
      const erasing = () => eraser.erase({ email: email('lorraine'), phoneNumber: null }, suppress, { caller: null, requestId: null }, call);
      let linked: Promise<Awaited<ReturnType<typeof linking>>> | undefined;
      let erased: Promise<Awaited<ReturnType<typeof erasing>>> | undefined;
      const way = Math.floor(round / 2) % 4;
      if (way === 0) [linked, erased] = [linking(), erasing()];
      if (way === 1) [erased, linked] = [erasing(), linking()];
      if (way === 2) {
        eraseLocks.wire.before = () => {
          linked = linking();
        };
        erased = erasing();
      }
      if (way === 3) {
        identifyWrites.wire.before = () => {
          erased = erasing();
        };
        linked = linking();
      }
      // Whichever started the other has started it by the time it settles.
      await (way === 2 ? erased : linked)!.catch(() => undefined);
      const [link, erasure] = await Promise.all([linked!, erased!]);
      eraseLocks.wire.before = identifyWrites.wire.before = undefined;
      const answer = link.response.contact;
      const answerIds = [answer.primaryContactId, ...answer.secondaryContactIds];
      const newId = Math.max(...answerIds);
      const [stored] = await sql().query('SELECT id, email, phoneNumber, linkedId, deletedAt FROM Contact WHERE id IN (?) ORDER BY id', [[...groupIds, newId]]);
      const rows = stored as { id: number; email: string | null; phoneNumber: string | null; linkedId: number | null; deletedAt: string | null }[];
      const byId = new Map(rows.map((row) => [row.id, row]));
      const what = `round ${round} (way ${way}${suppress ? ', suppress' : ''}): ${JSON.stringify({ answer, erasure, rows })}`;
      // The group is erased whole, whichever came first: tombstones with no email or phone.
      for (const id of groupIds) expect(byId.get(id), what).toMatchObject({ email: null, phoneNumber: null, deletedAt: expect.any(String) });
      expect(erasure.primaryContactIds, what).toEqual([group.primaryContactId]);
      if (answerIds.includes(group.primaryContactId)) {
        // The identify came first: it answered the group with its new row, and the erasure took that row too.
        outcomes.identifyFirst++;
        expect(answer, what).toEqual({
          primaryContactId: group.primaryContactId,
          emails: [email('lorraine'), email('george'), email('marty')],
          phoneNumbers: [phone],
          secondaryContactIds: [...group.secondaryContactIds, newId],
        });
        expect(erasure.contacts, what).toBe(3);
        expect(byId.get(newId), what).toMatchObject({ email: null, phoneNumber: null, linkedId: group.primaryContactId, deletedAt: expect.any(String) });
      } else {
        // The erasure came first: the identify found nobody (with suppress, the phone is blocked: not stored,
        // not answered) and made a new customer, live, on its own, holding none of the erased rows or values.
        outcomes.eraseFirst++;
        expect(answer, what).toEqual({ primaryContactId: newId, emails: [email('marty')], phoneNumbers: suppress ? [] : [phone], secondaryContactIds: [] });
        expect(erasure.contacts, what).toBe(2);
        expect(byId.get(newId), what).toMatchObject({ email: email('marty'), phoneNumber: suppress ? null : phone, linkedId: null, deletedAt: null });
      }
      // Nothing live is linked to a tombstone.
      const [linkedToErased] = await sql().query('SELECT COUNT(*) AS n FROM Contact WHERE linkedId IN (?) AND deletedAt IS NULL', [groupIds]);
      expect((linkedToErased as { n: number }[])[0]!.n, what).toBe(0);
    }
    console.log(`erasure racing a linking identify, ${ROUNDS} rounds: ${JSON.stringify(outcomes)}`);
  });
});
