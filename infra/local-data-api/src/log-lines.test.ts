import { describe, expect, it } from 'vitest';
import { LineWriter } from './log-lines.js';

describe('LineWriter', () => {
  it('writes the lines of one turn of the event loop in one write, in order', async () => {
    const writes: string[] = [];
    const writer = new LineWriter((text) => writes.push(text));
    writer.line('a');
    writer.line('b');
    expect(writes).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual(['a\nb\n']);
    writer.line('c');
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual(['a\nb\n', 'c\n']);
  });

  it('writes what is pending at once on flush, and nothing when nothing is', () => {
    const writes: string[] = [];
    const writer = new LineWriter((text) => writes.push(text));
    writer.flush();
    writer.line('last words');
    writer.flush();
    expect(writes).toEqual(['last words\n']);
  });
});
