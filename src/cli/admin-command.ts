import { CommandRunner } from 'nest-commander';

// nest-commander's own commander (v11), not the older one hoisted to the top of node_modules.
type CommanderCommand = Parameters<CommandRunner['setCommand']>[0];

/**
 * Base of the admin commands. Commander calls process.exit itself on a bad option or after --help; with
 * exitOverride it throws instead, so cli.ts can map it to exit code 2 (0 for help) and still close the app.
 */
export abstract class AdminCommand extends CommandRunner {
  override setCommand(command: CommanderCommand): this {
    command.exitOverride().showHelpAfterError('(run with --help for usage)');
    return super.setCommand(command);
  }
}
