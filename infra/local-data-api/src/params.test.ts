import { describe, expect, it } from 'vitest';
import { DataApiError } from './errors.js';
import { bindParameters, parameterLiteral, parameterMap } from './params.js';

const bind = (sql: string, parameters: unknown[]) => bindParameters(sql, parameterMap(parameters));
const error = (fn: () => unknown): DataApiError => {
  try {
    fn();
  } catch (e) {
    return e as DataApiError;
  }
  throw new Error('expected an error');
};

describe('parameterLiteral', () => {
  it.each([
    ['isNull', { isNull: true }, undefined, 'NULL'],
    ['booleanValue true', { booleanValue: true }, undefined, 'TRUE'],
    ['booleanValue false', { booleanValue: false }, undefined, 'FALSE'],
    ['longValue', { longValue: -42 }, undefined, '-42'],
    ['a long past 2^53', { longValue: 2 ** 60 }, undefined, '1152921504606846976'],
    ['doubleValue', { doubleValue: 1.5 }, undefined, '1.5'],
    ['a large doubleValue', { doubleValue: 1.7976931348623157e100 }, undefined, '1.7976931348623157e+100'],
    ['stringValue', { stringValue: 'plain' }, undefined, "'plain'"],
    ['a string with quotes and backslashes', { stringValue: `it's \\ "x"` }, undefined, `'it\\'s \\\\ \\"x\\"'`],
    ['a string with a NUL and a newline', { stringValue: 'a\u0000b\nc' }, undefined, "'a\\0b\\nc'"],
    ['blobValue', { blobValue: Buffer.from([0, 255, 16]).toString('base64') }, undefined, "X'00ff10'"],
    ['an empty blob', { blobValue: '' }, undefined, "X''"],
    ['DATE', { stringValue: '2024-02-29' }, 'DATE', "'2024-02-29'"],
    ['TIME', { stringValue: '23:59:58.125' }, 'TIME', "'23:59:58.125'"],
    ['TIMESTAMP', { stringValue: '2024-01-15 10:20:30' }, 'TIMESTAMP', "'2024-01-15 10:20:30'"],
    ['TIMESTAMP with fraction', { stringValue: '2024-01-15 10:20:30.123' }, 'TIMESTAMP', "'2024-01-15 10:20:30.123'"],
    ['DECIMAL, unquoted', { stringValue: '-123.4500' }, 'DECIMAL', '-123.4500'],
    ['JSON', { stringValue: '{"a":[1]}' }, 'JSON', `'{\\"a\\":[1]}'`],
    ['UUID', { stringValue: '5f0b1a4e-9c1d-4c1e-8e8a-1b2c3d4e5f60' }, 'UUID', "'5f0b1a4e-9c1d-4c1e-8e8a-1b2c3d4e5f60'"],
  ])('renders %s', (_name, value, typeHint, literal) => {
    expect(parameterLiteral({ name: 'p', value, typeHint })).toBe(literal);
  });

  it.each([
    ['a DATE in another format', { stringValue: '2024/02/29' }, 'DATE'],
    ['a TIMESTAMP with a T', { stringValue: '2024-01-15T10:20:30' }, 'TIMESTAMP'],
    ['a TIMESTAMP with a zone', { stringValue: '2024-01-15 10:20:30Z' }, 'TIMESTAMP'],
    ['a TIME without seconds', { stringValue: '10:20' }, 'TIME'],
    ['a DECIMAL that is no number', { stringValue: '12; DROP TABLE x' }, 'DECIMAL'],
    ['a UUID that is not one', { stringValue: 'not-a-uuid' }, 'UUID'],
    ['an unknown typeHint', { stringValue: 'x' }, 'MONEY'],
    ['a longValue that is a string', { longValue: '5' }, undefined],
    ['a fractional longValue', { longValue: 1.5 }, undefined],
    ['a booleanValue that is a number', { booleanValue: 1 }, undefined],
    ['two members', { longValue: 1, stringValue: 'x' }, undefined],
    ['no member', {}, undefined],
    ['an unknown member', { dateValue: 'x' }, undefined],
    ['blob text that is no base64', { blobValue: '***' }, undefined],
  ])('refuses %s with BadRequestException', (_name, value, typeHint) => {
    const e = error(() => parameterLiteral({ name: 'p', value, typeHint }));
    expect(e).toBeInstanceOf(DataApiError);
    expect(e.name).toBe('BadRequestException');
    expect(e.status).toBe(400);
  });

  it('refuses array parameters with ValidationException', () => {
    const e = error(() => parameterLiteral({ name: 'p', value: { arrayValue: { longValues: [1] } } }));
    expect([e.name, e.message]).toEqual(['ValidationException', 'Array parameters are not supported.']);
  });
});

describe('bindParameters', () => {
  it('replaces each :name with its literal, as often as it appears', () => {
    expect(
      bind('SELECT :a, :b, :a', [
        { name: 'a', value: { longValue: 1 } },
        { name: 'b', value: { stringValue: 'x' } },
      ]),
    ).toBe("SELECT 1, 'x', 1");
  });

  it('takes names with a leading colon and numeric names (kysely-data-api sends :0, :1)', () => {
    expect(
      bind('SELECT :0 + :1', [
        { name: ':0', value: { longValue: 2 } },
        { name: '1', value: { longValue: 3 } },
      ]),
    ).toBe('SELECT 2 + 3');
  });

  it.each([
    ['single quotes', "SELECT ':a', :a"],
    ['double quotes', 'SELECT ":a", :a'],
    ['backticks', 'SELECT `:a`, :a'],
    ['an escaped quote before :a', "SELECT 'it\\'s :a', :a"],
    ['a doubled quote before :a', "SELECT 'it''s :a', :a"],
    ['a -- comment', 'SELECT :a -- :a\n'],
    ['a # comment', 'SELECT :a # :a'],
    ['a block comment', 'SELECT /* :a */ :a'],
  ])('leaves :name inside %s alone', (_name, sql) => {
    const out = bind(sql, [{ name: 'a', value: { longValue: 7 } }]);
    expect(out.match(/7/g)).toHaveLength(1);
    expect(out).toContain(':a');
  });

  it('leaves MySQL syntax with colons alone: :=, ::, time literals, labels', () => {
    const sql = "SELECT @x := 1, '10:30', a::b FROM t WHERE x = :x";
    expect(bind(sql, [{ name: 'x', value: { longValue: 1 } }])).toBe("SELECT @x := 1, '10:30', a::b FROM t WHERE x = 1");
  });

  it('does not take "--x" (no space) for a comment, as MySQL does not', () => {
    expect(bind('SELECT 1 --:a', [{ name: 'a', value: { longValue: 5 } }])).toBe('SELECT 1 --5');
  });

  it('does not let a parameter value change the statement', () => {
    const out = bind('SELECT * FROM t WHERE name = :n', [{ name: 'n', value: { stringValue: "x' OR '1'='1" } }]);
    expect(out).toBe("SELECT * FROM t WHERE name = 'x\\' OR \\'1\\'=\\'1'");
  });

  it('ignores parameters the statement does not use, and refuses a :name without a parameter', () => {
    expect(bind('SELECT 1', [{ name: 'unused', value: { longValue: 1 } }])).toBe('SELECT 1');
    const e = error(() => bind('SELECT :a, :b', [{ name: 'a', value: { longValue: 1 } }]));
    expect([e.name, e.message]).toEqual(['BadRequestException', 'No value specified for parameter: b']);
  });

  it('refuses parameters that are not a list, or a parameter without a name', () => {
    expect(error(() => parameterMap({ a: 1 })).name).toBe('BadRequestException');
    expect(error(() => parameterMap([{ value: { longValue: 1 } }])).name).toBe('BadRequestException');
    expect(parameterMap(undefined).size).toBe(0);
  });
});
