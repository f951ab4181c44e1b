import { Injectable } from '@nestjs/common';
import type { CliTarget } from './cli-target';

/**
 * Everything a command shows the operator goes through here (never console.log), so command tests can capture
 * it: results on stdout, warnings and errors on stderr. With --json the text is replaced by one JSON document
 * on stdout (the command's result, its exit code and the target), and errors stay on stderr.
 */
@Injectable()
export class CliPrinter {
  private progressShown = false;
  private json = false;
  private target?: CliTarget;
  private resultPrinted = false;

  useJson(json: boolean): void {
    this.json = json;
  }

  /** Before the command says or does anything: which database and Stream app it is about to act on. */
  announceTarget(target: CliTarget, line: string): void {
    this.target = target;
    if (this.json) this.write('stderr', `${line}\n`);
    else this.line(line);
  }

  /** The command's outcome: for --json, the document scripts read (human text is printed as it goes). */
  result(value: object, exitCode: number): void {
    if (!this.json || this.resultPrinted) return;
    this.resultPrinted = true;
    this.write('stdout', `${JSON.stringify({ ...value, exitCode, target: this.target }, null, 2)}\n`);
  }

  line(text = ''): void {
    if (this.json) return;
    this.endProgress();
    this.write('stdout', `${text}\n`);
  }

  error(text: string): void {
    this.endProgress();
    this.write('stderr', `${text}\n`);
  }

  /** One status line: redrawn in place on a terminal, a plain line per call otherwise (logs, pipes, CI). */
  progress(text: string): void {
    if (this.json) return;
    if (this.isTerminal()) {
      this.write('stdout', `\r\x1b[2K${text}`);
      this.progressShown = true;
    } else {
      this.write('stdout', `${text}\n`);
    }
  }

  /** Left-aligned columns sized to their longest cell. */
  table(headers: string[], rows: string[][]): void {
    const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
    const format = (cells: string[]) =>
      cells
        .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
        .join('  ')
        .trimEnd();
    this.line(format(headers));
    this.line(format(widths.map((w) => '-'.repeat(w))));
    rows.forEach((row) => this.line(format(row)));
  }

  protected isTerminal(): boolean {
    return process.stdout.isTTY === true;
  }

  protected write(stream: 'stdout' | 'stderr', text: string): void {
    process[stream].write(text);
  }

  private endProgress(): void {
    if (!this.progressShown) return;
    this.progressShown = false;
    this.write('stdout', '\n');
  }
}
