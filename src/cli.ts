#!/usr/bin/env node
import { Command, CommanderError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI_NAME, COMMANDS, COMMON_OPTIONS, CommandSpec } from './cli/cli-manifest';
import { ExitCode } from './cli/exit-code';

// The admin CLI's entry (`lingo-admin`, or `node dist/cli.js`). It parses the command line from the command
// manifest alone, so --help, --version and usage errors answer in a fraction of a second; only a valid command
// loads Nest and connects (cli/cli-runner.ts).

const version = (): string =>
  (JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;

function buildProgram(onCommand: (spec: CommandSpec, options: Record<string, unknown>) => void): Command {
  const program = new Command(CLI_NAME)
    .description('Admin commands for the Lingo exchange API: the same database and Stream app as the API.')
    .version(version(), '-V, --version')
    .exitOverride();
  for (const spec of COMMANDS) {
    const command = new Command(spec.command.name)
      .description(spec.command.description)
      .exitOverride()
      .showHelpAfterError('(run with --help for usage)');
    for (const arg of spec.command.arguments?.split(' ') ?? []) {
      const name = arg.replace(/[[\]<>.]/g, '');
      command.argument(arg, spec.command.argsDescription?.[name]);
    }
    for (const option of Object.values({ ...spec.options, ...COMMON_OPTIONS })) {
      command.addOption(new Option(option.flags, option.description));
    }
    command.action((...args: unknown[]) => onCommand(spec, args[args.length - 2] as Record<string, unknown>));
    program.addCommand(command);
  }
  return program;
}

async function main(): Promise<void> {
  let chosen: { spec: CommandSpec; options: Record<string, unknown> } | undefined;
  try {
    buildProgram((spec, options) => (chosen = { spec, options })).parse(process.argv);
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    // Commander has printed the help, the version or what was wrong.
    process.exitCode = error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    return;
  }
  if (!chosen) return;
  const { runCommand } = await import('./cli/cli-runner');
  process.exitCode = await runCommand(chosen.spec, {
    json: chosen.options.json === true,
    embedded: chosen.options.embedded === true,
  });
}

main().catch((error: Error) => {
  console.error(`${CLI_NAME}: ${error.message}`);
  process.exitCode = ExitCode.Failed;
});
