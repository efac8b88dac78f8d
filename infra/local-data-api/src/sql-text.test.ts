import { describe, expect, it } from 'vitest';
import { isMultiStatement } from './sql-text.js';

describe('isMultiStatement', () => {
  it.each([
    ['a single statement', 'SELECT 1'],
    ['a single statement with a trailing ";"', 'SELECT 1;'],
    ['a trailing ";" and white space', 'SELECT 1;  \n\t '],
    ['a trailing "--" comment', 'SELECT 1; -- done'],
    ['a trailing "--" at the very end', 'SELECT 1; --'],
    ['a trailing "--" comment and a newline', 'SELECT 1; -- done\n'],
    ['a trailing "#" comment', 'SELECT 1; # done'],
    ['a trailing "/* */" comment', 'SELECT 1; /* done */'],
    ['several trailing comments', 'SELECT 1; -- a\n/* b */ # c\n  '],
    ['an empty text', ''],
    ['";" inside single quotes', "SELECT 'a;b'"],
    ['";" inside single quotes, then a terminator', "SELECT 'a; SELECT 2';"],
    ['";" inside double quotes', 'SELECT "a; SELECT 2"'],
    ['";" inside backticks', 'SELECT `a;b` FROM t'],
    ['a backslash-escaped single quote before ";"', "SELECT 'it\\'s; SELECT 2'"],
    ['a doubled single quote before ";"', "SELECT 'it''s; SELECT 2'"],
    ['a backslash-escaped double quote before ";"', 'SELECT "say \\"hi; there\\""'],
    ['a doubled backtick before ";"', 'SELECT `a``;b` FROM t'],
    ['";" inside a "--" comment', 'SELECT 1 -- ; SELECT 2\nFROM dual'],
    ['";" inside a "#" comment', 'SELECT 1 # ; SELECT 2\nFROM dual'],
    ['";" inside a "/* */" comment', 'SELECT 1 /* ; SELECT 2 */ FROM dual'],
    ['";" inside a multi-line "/* */" comment', 'SELECT 1 /* a;\n b; */ FROM dual;'],
    ['a multi-line statement', 'INSERT INTO Contact (email)\nVALUES (:email);\n'],
  ])('is false for %s', (_name, sql) => {
    expect(isMultiStatement(sql)).toBe(false);
  });

  it.each([
    ['two statements', 'SELECT 1; SELECT 2'],
    ['two terminated statements', 'SELECT 1; SELECT 2;'],
    ['two statements without a space', 'SELECT 1;SELECT 2'],
    ['two statements on separate lines', 'SELECT 1;\nSELECT 2;\n'],
    ['a second statement after a comment', 'SELECT 1; -- first\nSELECT 2'],
    ['a second statement after a block comment', 'SELECT 1; /* first */ SELECT 2'],
    ['a second statement after a "#" comment', 'SELECT 1; # first\nSELECT 2'],
    ['a second statement that starts with a quote', "SELECT 1;'x'"],
    ['a second statement that starts with a backtick', 'SELECT 1; `t`'],
    ['a quoted ";" and then a real second statement', "SELECT 'a;b'; SELECT 2"],
    ['a commented ";" and then a real second statement', 'SELECT 1 /* ; */; DELETE FROM Contact'],
    ['a backtick with a backslash (not an escape) then a second statement', 'SELECT `a\\`; SELECT 2'],
    ['"--" without a space, which MySQL does not take for a comment', 'SELECT 1 --; DROP TABLE Contact'],
  ])('is true for %s', (_name, sql) => {
    expect(isMultiStatement(sql)).toBe(true);
  });
});
