import { Injectable } from '@nestjs/common';
import { createInterface } from 'node:readline/promises';
import { CliPrinter } from './cli-printer';
import { ExitCode } from './exit-code';

/** Asks the operator before anything is destroyed. Tests replace it (there is no terminal under jest). */
@Injectable()
export class CliPrompt {
  /** Only a person at a terminal can answer; a script or a pipe must pass --yes instead. */
  isInteractive(): boolean {
    return process.stdin.isTTY === true && process.stdout.isTTY === true;
  }

  /** Anything but "y" or "yes" (including just Enter) is a no. */
  async confirm(question: string): Promise<boolean> {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    try {
      const answer = await rl.question(`${question} [y/N] `);
      return /^(y|yes)$/i.test(answer.trim());
    } finally {
      rl.close();
    }
  }
}

/**
 * The rule for every destructive command: --yes proceeds; otherwise a terminal is asked, and without one the run
 * is refused (exit 2) before anything is touched. A "no" exits 1. Returns 'proceed' or the exit code to stop with.
 * `action` names what is refused ("continue", "--prune").
 */
export async function approve(
  prompt: CliPrompt,
  out: CliPrinter,
  plan: string,
  command: string,
  yes: boolean | undefined,
  action = 'continue',
): Promise<'proceed' | ExitCode> {
  out.line(plan);
  if (yes) return 'proceed';
  if (!prompt.isInteractive()) {
    out.error(
      `Refusing to ${action} without confirmation: not a terminal. ` +
        `Pass --yes to confirm, or --dry-run to preview ("${command} --help").`,
    );
    return ExitCode.Usage;
  }
  if (await prompt.confirm('Continue?')) return 'proceed';
  out.error('Aborted: nothing was changed.');
  return ExitCode.Failed;
}
