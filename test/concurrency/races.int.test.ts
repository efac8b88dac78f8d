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
import { dataApiClient, repository, rowsTagged, stack, uniqueDigits, uniqueTag } from '../support/helpers.js';

// Races inside one process, each call on its own Data API connection. The multi-process
// randomized checker (checker.int.test.ts) covers the general case.
const service = new IdentifyService({ repository: repository(), retry: RETRY });
const identify = (email: string | null, phoneNumber: string | null) => service.identify({ email, phoneNumber }, { timeLeftMs: () => 25_000 });
const N = 32;

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
  const executor = new DataApiExecutor(dataApiClient(), {
    resourceArn: LOCAL_DEFAULTS.resourceArn,
    secretArn: LOCAL_DEFAULTS.secretArn,
    database: stack().dbName,
  });
  const call = { timeLeftMs: () => 25_000 };
  const audit = { caller: null, requestId: null };
  const privacy = new PrivacyService({ repository: new PrivacyRepository(executor), retry: RETRY });
  const lookup = new LookupService({ repository: new ContactRepository(executor), retry: RETRY });

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
