/**
 * Log lines written in batches: lines of one turn of the event loop go out in one write, so a
 * busy server does not pay a synchronous write (stdout to a pipe or a file) per call.
 */
export class LineWriter {
  private lines: string[] = [];
  private scheduled = false;

  constructor(private readonly write: (text: string) => void) {}

  line(text: string): void {
    this.lines.push(text);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  flush(): void {
    this.scheduled = false;
    if (this.lines.length === 0) return;
    const text = `${this.lines.join('\n')}\n`;
    this.lines = [];
    this.write(text);
  }
}
