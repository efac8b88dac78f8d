import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import type { LocalDataApi } from 'local-data-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { OPENAPI_PATH } from '../../infra/build/openapi.js';
import { postIdentify, uniqueDigits, uniqueTag } from '../support/helpers.js';
import { type Handler, invoke } from '../support/lambda-events.js';
import { startOwnDataApi } from '../support/own-data-api.js';

// Real responses, over HTTP through serverless-offline, checked against openapi.yaml: the status is
// documented, the body matches the documented schema, and a 503 carries Retry-After.
const document = parse(readFileSync(OPENAPI_PATH, 'utf8'));
const ajv = new Ajv2020.default({ strict: false });
for (const [name, schema] of Object.entries(document.components.schemas)) ajv.addSchema(schema as object, `#/components/schemas/${name}`);
const responsesOf = (path: string) => document.paths[path].post.responses as Record<string, any>;

function conforms(status: number, body: unknown, headers: (name: string) => string | null | undefined, path = '/identify') {
  const documented = responsesOf(path)[String(status)];
  expect(documented, `status ${status} is documented`).toBeDefined();
  const schema = documented.content['application/json'].schema;
  const check = ajv.compile({ $ref: schema.$ref });
  expect(check(body), JSON.stringify(check.errors)).toBe(true);
  for (const [name, header] of Object.entries((documented.headers ?? {}) as Record<string, { required?: boolean }>)) {
    if (header.required) expect(headers(name), `${name} on ${status}`).toBeTruthy();
  }
}

describe('responses conform to openapi.yaml', () => {
  it('for the examples of the task and every kind of refusal', async () => {
    const tag = uniqueTag();
    const digits = uniqueDigits();
    const json = { 'content-type': 'application/json' };
    const calls: [unknown, Record<string, string>][] = [
      [{ email: `lorraine.${tag}@hillvalley.edu`, phoneNumber: `${digits}123456` }, json],
      [{ email: `mcfly.${tag}@hillvalley.edu`, phoneNumber: Number(`${digits}123456`.slice(-12)) }, json],
      [{ email: `george.${tag}@hillvalley.edu`, phoneNumber: `${digits}919191` }, json],
      [{ email: `biffsucks.${tag}@hillvalley.edu`, phoneNumber: `${digits}717171` }, json],
      [{ email: `george.${tag}@hillvalley.edu`, phoneNumber: `${digits}717171` }, json],
      [{ email: null, phoneNumber: `${digits}919191` }, json],
      ['{"email":', json],
      [{ email: 'no-at-sign' }, json],
      [{}, json],
      [{ email: `x.${tag}@y.z`, pad: 'p'.repeat(11_000) }, json],
      [{ email: `x.${tag}@y.z` }, { 'content-type': 'text/plain' }],
    ];
    const seen = new Set<number>();
    for (const [body, headers] of calls) {
      const answer = await postIdentify(body, headers);
      seen.add(answer.status);
      conforms(answer.status, answer.json, (name) => answer.headers.get(name));
    }
    expect([...seen].sort()).toEqual([200, 400, 413, 415]);
  });

  it('for every other route: its answers and its refusals', async () => {
    const tag = uniqueTag();
    const digits = uniqueDigits();
    await postIdentify({ email: `ada.${tag}@example.com`, phoneNumber: `${digits}1` });
    const calls: [string, unknown, number][] = [
      ['/lookup', { phoneNumber: `${digits}1` }, 200],
      ['/lookup', { email: 'no-at-sign' }, 400],
      ['/block', { phoneNumber: `${digits}9` }, 200],
      ['/unblock', { phoneNumber: `${digits}9` }, 200],
      ['/unblock', { suppress: true }, 400],
      ['/unlink', { phoneNumber: `${digits}1` }, 200],
      ['/unlink', { email: `ada.${tag}@example.com`, phoneNumber: `${digits}1` }, 400],
      ['/erase', { email: `ada.${tag}@example.com`, suppress: true }, 200],
      ['/erase', { email: `ada.${tag}@example.com`, pad: 'p'.repeat(11_000) }, 413],
    ];
    for (const [path, body, status] of calls) {
      const answer = await postIdentify(body, { 'content-type': 'application/json' }, { path });
      expect(answer.status, `${path} ${JSON.stringify(body).slice(0, 80)}`).toBe(status);
      conforms(answer.status, answer.json, (name) => answer.headers.get(name), path);
    }
  });

  describe('when the database is unavailable', () => {
    let server: LocalDataApi;
    let handler: Handler;
    beforeAll(async () => {
      ({ server, handler } = await startOwnDataApi());
    });
    afterAll(async () => server?.close());

    it('answers the documented 503 with Retry-After', async () => {
      server.faults.unreachable = true;
      const answer = await invoke(handler, { email: `down.${uniqueTag()}@example.com` }, { budgetMs: 800 });
      expect(answer.status).toBe(503);
      conforms(answer.status, answer.json, (name) => answer.headers[name]);
    });
  });
});
