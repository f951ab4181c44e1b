import { Logger } from '@nestjs/common';
import { CommandFactory } from 'nest-commander';
import { CliModule } from './cli/cli.module';
import { ExitCode } from './cli/exit-code';
import { prepareBackends } from './common/backends';

/** What commander throws (instead of exiting) for --help and for bad arguments; it has already printed why. */
const isCommanderError = (error: unknown): error is Error & { code: string; exitCode: number } =>
  typeof (error as { code?: unknown })?.code === 'string' &&
  (error as { code: string }).code.startsWith('commander.') &&
  typeof (error as { exitCode?: unknown }).exitCode === 'number';

const onError = (error: Error): void => {
  if (isCommanderError(error)) {
    process.exitCode = error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    return;
  }
  console.error(error.message);
  process.exitCode = ExitCode.Failed;
};

async function bootstrap(): Promise<void> {
  // Commands report through their printer; the log shows only what went wrong.
  Logger.overrideLogger(['warn', 'error']);
  const stopStandIns = await prepareBackends();
  // Commands set process.exitCode (0 ok, 1 failed, 2 usage); the app context is closed after the command, so
  // the process ends by itself once MongoDB, Stream and any embedded stand-in are shut down.
  await CommandFactory.run(CliModule, {
    logger: ['warn', 'error'],
    // nest-commander prints a failing command's error and exits 0 by default: an operator's script must see 1.
    serviceErrorHandler: onError,
    // The root command (no command, an unknown one, --help): throw rather than exit, as the commands do.
    errorHandler: (error) => {
      throw error;
    },
  });
  await stopStandIns();
}

bootstrap().catch((error: Error) => {
  // Booting failed (bad configuration, MongoDB unreachable): nothing was run.
  console.error(`cannot start: ${error.message}`);
  process.exitCode = ExitCode.Failed;
});
