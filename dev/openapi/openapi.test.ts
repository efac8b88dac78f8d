import { readFileSync } from 'node:fs';
import { compileErrors, validate } from '@readme/openapi-parser';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { OPENAPI_PATH, VALIDATOR_PATH, openApiYaml, requestValidatorSource } from './build.js';

describe('openapi.yaml', () => {
  it('is up to date with lib/schema/identify.ts (run `npm run openapi` after changing the schema)', () => {
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
    expect(Object.keys(responses).sort()).toEqual(['200', '400', '413', '415', '422', '503']);
    expect(responses['503'].headers['Retry-After'].required).toBe(true);
  });
});
