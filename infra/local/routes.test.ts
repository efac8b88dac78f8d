import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PROJECT_ROOT } from './project-root.js';
import { invokeUrls, LOCAL_ROUTES } from './routes.js';

type Config = {
  functions: Record<string, { events?: unknown }>;
  custom: Record<string, { default?: { httpApi?: { path?: string } }[] }>;
};

/** Every deployed route's path and its function, as serverless.yml declares them (the routes under custom.<name>Routes.default). */
function deployedRoutes(): Record<string, string> {
  const config = parse(readFileSync(join(PROJECT_ROOT, 'serverless.yml'), 'utf8')) as Config;
  const routes: Record<string, string> = {};
  for (const [name, fn] of Object.entries(config.functions)) {
    const list = /self:custom\.(\w+)\./.exec(String(fn.events ?? ''))?.[1];
    if (!list) continue;
    for (const event of config.custom[list]?.default ?? []) routes[event.httpApi!.path!] = name;
  }
  return routes;
}

describe('the gateway stand-in routes', () => {
  it('are the deployed HTTP API routes, each to its own function', () => {
    expect(LOCAL_ROUTES).toEqual(deployedRoutes());
  });

  it('invoke each function through serverless-offline, any other path the identify function', () => {
    const urls = invokeUrls(3002);
    expect(urls.byPath['/lookup']).toBe('http://127.0.0.1:3002/2015-03-31/functions/identify-local-lookup/invocations');
    expect(urls.fallback).toBe(urls.byPath['/identify']);
  });
});
