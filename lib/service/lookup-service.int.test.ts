import { describe, expect, it } from 'vitest';
import { countingExecutor, rowsTagged, sql, uniqueDigits, uniqueTag } from '../../test/support/helpers.js';
import { seedGroup } from '../../test/support/large-group-seeder.js';
import { RETRY } from '../runtime/container.js';
import { ContactRepository } from '../store/contact-repository.js';
import { IdentifyService } from './identify-service.js';
import { LookupService } from './lookup-service.js';

// POST /lookup's use case through the real SDK, the local Data API server and the database: what it
// answers, that it writes nothing, and what it costs.
const { executor, calls } = countingExecutor();
const repository = new ContactRepository(executor);
const identifyService = new IdentifyService({ repository, retry: RETRY });
const lookupService = new LookupService({ repository, retry: RETRY });
const call = { timeLeftMs: () => 20_000 };
const identify = (email: string | null, phoneNumber: string | null) => identifyService.identify({ email, phoneNumber }, call);

async function lookup(email: string | null, phoneNumber: string | null) {
  calls.length = 0;
  const response = await lookupService.lookup({ email, phoneNumber }, call);
  return { response, calls: [...calls] };
}

describe('LookupService over the Data API', () => {
  it('answers the group as /identify does, in one Data API call, and writes nothing', async () => {
    const tag = uniqueTag();
    const digits = uniqueDigits();
    await identify(`lorraine.${tag}@x.io`, `${digits}1`);
    const linked = await identify(`mcfly.${tag}@x.io`, `${digits}1`);
    const before = await rowsTagged(tag);
    const found = await lookup(null, `${digits}1`);
    expect(found.response).toEqual({ contacts: [linked.response.contact] });
    expect(found.calls).toEqual(['ExecuteStatement']);
    expect(await rowsTagged(tag)).toEqual(before);
  });

  it('answers an email in one group and a phone in another as two groups, apart, by primary id', async () => {
    const tag = uniqueTag();
    const digits = uniqueDigits();
    const george = await identify(`george.${tag}@x.io`, `${digits}9`);
    const biff = await identify(`biff.${tag}@x.io`, `${digits}7`);
    const found = await lookup(`george.${tag}@x.io`, `${digits}7`);
    expect(found.response.contacts).toEqual([george.response.contact, biff.response.contact]);
    // Not merged: a later identify of george still answers george alone.
    expect((await identify(`george.${tag}@x.io`, null)).response.contact.secondaryContactIds).toEqual([]);
  });

  it('answers no group for values no live contact holds', async () => {
    expect((await lookup(`nobody.${uniqueTag()}@x.io`, uniqueDigits())).response).toEqual({ contacts: [] });
  });

  it('answers a group of 20,000 contacts whole, read in pages', async () => {
    const phone = uniqueDigits();
    await seedGroup(sql(), { tag: uniqueTag(), size: 20_000, phone, createdAt: '2020-01-01 00:00:00' });
    const found = await lookup(null, phone);
    expect(found.response.contacts).toHaveLength(1);
    expect(found.response.contacts[0]!.secondaryContactIds).toHaveLength(19_999);
  }, 60_000);
});
