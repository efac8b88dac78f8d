import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { compileErrors, validate } from '@readme/openapi-parser';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { OPENAPI_PATH, openApiYaml, requestValidatorSource, VALIDATOR_PATH } from './openapi.js';

describe('openapi.yaml', () => {
  it('is up to date with lib/http/schema/identify-schemas.ts (run `npm run openapi` after changing the schema)', () => {
    expect(readFileSync(OPENAPI_PATH, 'utf8')).toBe(openApiYaml());
    expect(readFileSync(VALIDATOR_PATH, 'utf8')).toBe(requestValidatorSource());
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const document = parse(readFileSync(OPENAPI_PATH, 'utf8'));
    const result = await validate(document);
    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
    expect(document.openapi).toBe('3.1.0');
  });

  it('documents every status the handler answers, and Retry-After on 503', () => {
    const document = parse(readFileSync(OPENAPI_PATH, 'utf8'));
    const responses = document.paths['/identify'].post.responses;
    expect(Object.keys(responses).sort()).toEqual(['200', '400', '401', '403', '413', '415', '422', '429', '503']);
    expect(responses['503'].headers['Retry-After'].required).toBe(true);
  });

  it("requires SigV4 or a JWT on the operation, and documents the gateway's refusals as {message}", () => {
    const document = parse(readFileSync(OPENAPI_PATH, 'utf8'));
    const operation = document.paths['/identify'].post;
    const schemes = document.components.securitySchemes;
    expect(schemes.sigv4).toEqual(expect.objectContaining({ type: 'apiKey', name: 'Authorization', in: 'header', 'x-amazon-apigateway-authtype': 'awsSigv4' }));
    expect(schemes.jwt.type).toBe('oauth2');
    expect(Object.keys(schemes.jwt.flows)).toEqual(['clientCredentials']);
    // Alternatives: one requirement object each, so either scheme alone satisfies it.
    expect(operation.security).toEqual([{ sigv4: [] }, { jwt: [expect.any(String)] }]);
    expect(Object.keys(schemes.jwt.flows.clientCredentials.scopes)).toContain(operation.security[1].jwt[0]);
    for (const [status, message] of [
      ['403', 'Forbidden'],
      ['429', 'Too Many Requests'],
      ['401', 'Unauthorized'],
    ]) {
      const body = operation.responses[status!].content['application/json'];
      expect(body.schema.$ref, status).toBe('#/components/schemas/ErrorResponse');
      expect(body.example, status).toEqual({ message });
    }
    // No CORS: said in words, and no OPTIONS operation.
    expect(document.info.description).toMatch(/no CORS/);
    expect(document.paths['/identify'].options).toBeUndefined();
  });

  it('gives each route its own JWT scope, the one a stage with the default jwtScopePrefix requires (infra/aws/authorizer.cjs)', () => {
    const document = parse(readFileSync(OPENAPI_PATH, 'utf8'));
    const authorizer = createRequire(import.meta.url)('../aws/authorizer.cjs') as {
      routeAuthorizer(choice: { kind: 'jwt'; scopePrefix: string }, name: string): { scopes: string[] };
    };
    const declared = document.components.securitySchemes.jwt.flows.clientCredentials.scopes;
    const required: string[] = [];
    for (const [path, operations] of Object.entries<Record<string, { security: Record<string, string[]>[] }>>(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const scopes = operation.security.flatMap((requirement) => requirement.jwt ?? []);
        expect(scopes, `${method} ${path}`).toEqual(authorizer.routeAuthorizer({ kind: 'jwt', scopePrefix: 'identify/' }, path.slice(1)).scopes);
        expect(declared[scopes[0]!], `${method} ${path}`).toBe(`Call ${method.toUpperCase()} ${path}, and nothing else`);
        required.push(...scopes);
      }
    }
    expect(required).toEqual(expect.arrayContaining(['identify/identify', 'identify/lookup']));
    expect(new Set(required).size).toBe(required.length);
    expect(Object.keys(declared).sort()).toEqual([...required].sort());
  });
});
