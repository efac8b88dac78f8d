import { describe, expect, it } from 'vitest';
import { splitStatements } from './index.js';

describe('splitStatements', () => {
  it('splits two statements and drops -- comment lines', () => {
    const text = [
      '-- The first table.',
      '-- Another header line.',
      'CREATE TABLE IF NOT EXISTS A (',
      '  id INT NOT NULL,',
      '  -- a comment inside the statement',
      '  name VARCHAR(10) NULL',
      ');',
      '',
      '-- The second statement.',
      'CREATE INDEX AName ON A (name);',
      '',
      '-- a trailing comment with no statement',
      '',
    ].join('\n');
    const statements = splitStatements(text);
    expect(statements).toHaveLength(2);
    expect(statements[0]).toMatch(/^CREATE TABLE IF NOT EXISTS A \(/);
    expect(statements[0]).toMatch(/name VARCHAR\(10\) NULL\n\)$/);
    expect(statements[1]).toBe('CREATE INDEX AName ON A (name)');
    for (const statement of statements) {
      expect(statement).not.toContain('--');
      expect(statement.endsWith(';')).toBe(false);
      expect(statement).toBe(statement.trim());
    }
  });

  it('keeps a ";" that is not at a line end inside its statement', () => {
    const statements = splitStatements("INSERT INTO A (name) VALUES ('a;b');\nSELECT 1;\n");
    expect(statements).toEqual(["INSERT INTO A (name) VALUES ('a;b')", 'SELECT 1']);
  });

  it('accepts a last statement without a terminator, and gives nothing for comments only', () => {
    expect(splitStatements('SELECT 1;\nSELECT 2')).toEqual(['SELECT 1', 'SELECT 2']);
    expect(splitStatements('-- only a comment\n\n-- and another\n')).toEqual([]);
    expect(splitStatements('')).toEqual([]);
  });
});
