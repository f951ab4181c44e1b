import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const CLI_PATH = join(__dirname, '..', 'dist', 'cli.js');

export interface CliProcessRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI (`node dist/cli.js`) as an operator would, with exactly `env` (plus PATH): nothing leaks in
 * from the test process, so "no configuration" really is none.
 */
export function runBuiltCli(args: string[], env: Record<string, string>): Promise<CliProcessRun> {
  if (!existsSync(CLI_PATH)) throw new Error(`${CLI_PATH} is missing: run "npm run build" first (CI does)`);
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [CLI_PATH, ...args],
      { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error?.killed) return reject(new Error(`dist/cli.js did not exit: ${stderr}`));
        const code = error ? Number(error.code ?? -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
