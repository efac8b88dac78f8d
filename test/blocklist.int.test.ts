import { Logger } from '@aws-lambda-powertools/logger';
import type { LocalDataApi } from 'local-data-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHandler } from '../functions/identify.js';
import { readBlocklist } from '../lib/runtime/config.js';
import { createDependencies } from '../lib/runtime/container.js';
import { rowsTagged, uniqueDigits, uniqueTag } from './support/helpers.js';
import { type Handler, invoke } from './support/lambda-events.js';
import { startOwnDataApi } from './support/own-data-api.js';

// The operator blocklist through the real stack: two handlers on one database, one built with
// BLOCKED_EMAILS/BLOCKED_PHONES, one without (the default: nothing blocked).
let server: LocalDataApi;
let plain: Handler;
let blocking: Handler;
const tag = uniqueTag();
const digits = uniqueDigits();
const blockedEmail = `shop.${tag}@test.com`;
const blockedPhone = `${digits}00`;

beforeAll(async () => {
  const own = await startOwnDataApi();
  ({ server, handler: plain } = own);
  const blocklist = readBlocklist({ BLOCKED_EMAILS: ` ${blockedEmail.toUpperCase()} `, BLOCKED_PHONES: `/^${digits}0+$/` });
  blocking = buildHandler(createDependencies({ ...own.config, blocklist }, { client: own.client, logger: new Logger({ logLevel: 'SILENT' }) })) as Handler;
});
afterAll(async () => server?.close());

describe('blocked values (opt-in)', () => {
  it('are stored and answered when nothing is blocked (the default)', async () => {
    const answer = await invoke(plain, { email: `plain.${tag}@x.io`, phoneNumber: blockedPhone.replace(/00$/, '01') });
    expect(answer.status).toBe(200);
  });

  it('are never matched, never stored, never answered when blocked', async () => {
    // Before the operator blocked it, the shop's own phone was stored with a customer.
    const before = await invoke(plain, { email: `lorraine.${tag}@x.io`, phoneNumber: blockedPhone });
    expect(before.json.contact.phoneNumbers).toEqual([blockedPhone]);
    // Another customer with the shop's phone is not linked to Lorraine, and the phone is not stored again.
    const other = await invoke(blocking, { email: `biff.${tag}@x.io`, phoneNumber: blockedPhone });
    expect(other.status).toBe(200);
    expect(other.json.contact).toEqual({ primaryContactId: expect.any(Number), emails: [`biff.${tag}@x.io`], phoneNumbers: [], secondaryContactIds: [] });
    expect(other.json.contact.primaryContactId).not.toBe(before.json.contact.primaryContactId);
    // Lorraine's group no longer shows the blocked phone, though its row still holds it.
    const lorraine = await invoke(blocking, { email: `lorraine.${tag}@x.io` });
    expect(lorraine.json.contact).toEqual({
      primaryContactId: before.json.contact.primaryContactId,
      emails: [`lorraine.${tag}@x.io`],
      phoneNumbers: [],
      secondaryContactIds: [],
    });
    const rows = await rowsTagged(tag);
    expect(rows.filter((row) => row.phoneNumber === blockedPhone)).toHaveLength(1);
    expect(rows.find((row) => row.email === `biff.${tag}@x.io`)!.phoneNumber).toBeNull();
  });

  it('refuse a request whose only value is blocked with 400, writing nothing', async () => {
    const rowsBefore = await rowsTagged(tag);
    const answer = await invoke(blocking, { email: `Shop.${tag}@TEST.com` });
    expect(answer.status).toBe(400);
    expect(answer.json.message).toMatch(/^email is blocked: not usable to identify a customer/);
    const both = await invoke(blocking, { email: blockedEmail, phoneNumber: `${digits}000` });
    expect(both.json.message).toMatch(/^email and phoneNumber are blocked/);
    expect(await rowsTagged(tag)).toEqual(rowsBefore);
  });
});
