import { CommandRunner, Option } from 'nest-commander';
import { COMMON_OPTIONS } from './cli-manifest';

// nest-commander's own commander (v11), not the older one hoisted to the top of node_modules.
type CommanderCommand = Parameters<CommandRunner['setCommand']>[0];

/**
 * Base of the admin commands. Commander calls process.exit itself on a bad option or after --help; with
 * exitOverride it throws instead, so the runner can map it to exit code 2 (0 for help) and still close the app.
 * The options every command takes are handled by the runner (cli-runner.ts) before Nest boots; they are
 * declared here so the command accepts them.
 */
export abstract class AdminCommand extends CommandRunner {
  override setCommand(command: CommanderCommand): this {
    command.exitOverride().showHelpAfterError('(run with --help for usage)');
    return super.setCommand(command);
  }

  @Option(COMMON_OPTIONS.json)
  parseJson(): boolean {
    return true;
  }

  @Option(COMMON_OPTIONS.embedded)
  parseEmbedded(): boolean {
    return true;
  }
}
