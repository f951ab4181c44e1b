import { ConsoleLogger, Logger, LogLevel } from '@nestjs/common';
import { EnvironmentVariables, EnvName } from '../config/env.validation';
import { EnvValidationError } from '../config/validate-env';
import { readProcessEnv, resolveEnvironment } from '../config/environment';
import { prepareBackends } from '../common/backends';
import { CliPrinter } from './cli-printer';
import { Backend, CLI_NAME, CommandSpec } from './cli-manifest';
import { checkMongoReachable, describeTarget, targetLine } from './cli-target';
import { ExitCode } from './exit-code';

/** The settings each backend's commands read; nothing else (no JWT secret, no HTTP port) is asked for. */
const READS: Record<Backend, EnvName[]> = {
  mongo: ['MONGODB_URI', 'MONGODB_CONNECT_TIMEOUT_MS', 'MIGRATE_BATCH_SIZE', 'USERS_PAGE_LIMIT_MAX'],
  stream: [
    'STREAM_API_KEY',
    'STREAM_API_SECRET',
    'STREAM_BASE_URL',
    'STREAM_TIMEOUT_MS',
    'STREAM_TASK_TIMEOUT_MS',
    'SYNC_BATCH_SIZE',
  ],
};
const REQUIRES: Record<Backend, EnvName[]> = {
  mongo: ['MONGODB_URI'],
  stream: ['STREAM_API_KEY', 'STREAM_API_SECRET'],
};
const BACKEND_VARIABLES: EnvName[] = [
  'MONGODB_URI',
  'STREAM_API_KEY',
  'STREAM_API_SECRET',
  'STREAM_BASE_URL',
];

/** stdout belongs to the command's output (--json must stay parseable): log lines go to stderr. */
class StderrLogger extends ConsoleLogger {
  protected override printMessages(messages: unknown[], context?: string, logLevel?: LogLevel): void {
    super.printMessages(messages, context, logLevel, 'stderr');
  }
}

/** What commander throws (instead of exiting) for --help and for bad arguments; it has already printed why. */
const isCommanderError = (error: unknown): error is Error & { code: string; exitCode: number } =>
  typeof (error as { code?: unknown })?.code === 'string' &&
  (error as { code: string }).code.startsWith('commander.');

/**
 * Runs one parsed command: its settings (only those it reads; one line if any is wrong), its target (refusing to
 * guess one: there is no embedded default), MongoDB reachable within MONGODB_CONNECT_TIMEOUT_MS, the target line,
 * then the command itself in a Nest context. Returns the exit code.
 */
export async function runCommand(
  spec: CommandSpec,
  flags: { json: boolean; embedded: boolean },
): Promise<ExitCode> {
  const report = (message: string) => process.stderr.write(`${CLI_NAME} ${spec.command.name}: ${message}\n`);
  /** Refused before the command ran: one line, and for --json still a document. */
  const fail = (message: string): ExitCode => {
    report(message);
    if (flags.json)
      process.stdout.write(`${JSON.stringify({ exitCode: ExitCode.Failed, error: message })}\n`);
    return ExitCode.Failed;
  };
  // Commands report through their printer; the log shows only what went wrong.
  const logger = new StderrLogger({ logLevels: ['warn', 'error'] });
  Logger.overrideLogger(logger);
  const reads = spec.uses.flatMap((b) => READS[b]);
  const scope = {
    // --embedded: stand-ins replace the backends, whatever the environment names.
    reads: flags.embedded ? reads.filter((v) => !BACKEND_VARIABLES.includes(v)) : reads,
    requires: flags.embedded ? [] : spec.uses.flatMap((b) => REQUIRES[b]),
  };
  let stopStandIns = () => Promise.resolve();
  let env: EnvironmentVariables;
  try {
    env = resolveEnvironment(readProcessEnv(), scope);
    if (flags.embedded) ({ env, stop: stopStandIns } = await prepareBackends(env));
  } catch (error) {
    if (!(error instanceof EnvValidationError)) throw error;
    return fail(
      `${error.problems.join('; ')} (the CLI has no default database or Stream app: set the variables, or pass ` +
        '--embedded to try it against throwaway stand-ins)',
    );
  }
  try {
    const stream = spec.uses.includes('stream')
      ? { apiKey: env.STREAM_API_KEY!, baseUrl: env.STREAM_BASE_URL }
      : undefined;
    const target = describeTarget(env.MONGODB_URI!, stream, flags.embedded);
    const unreachable = await checkMongoReachable(env.MONGODB_URI!, env.MONGODB_CONNECT_TIMEOUT_MS);
    if (unreachable) return fail(unreachable);

    // Only now is Nest (and every module of the app) loaded: a refused run never pays for it.
    const [{ CommandFactory }, { CliModule }] = await Promise.all([
      import('nest-commander'),
      import('./cli.module'),
    ]);
    let exitCode: ExitCode = ExitCode.Ok;
    const app = await CommandFactory.createWithoutRunning(CliModule.forRoot(env), {
      logger,
      // nest-commander prints a failing command's error and exits 0 by default: an operator's script must see 1.
      serviceErrorHandler: (error: Error) => {
        if (isCommanderError(error)) {
          exitCode = error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
          return;
        }
        report(error.message);
        exitCode = ExitCode.Failed;
      },
      errorHandler: (error) => {
        throw error;
      },
    });
    try {
      const printer = app.get(CliPrinter);
      printer.useJson(flags.json);
      printer.announceTarget(target, targetLine(target));
      process.exitCode = undefined;
      await CommandFactory.runApplication(app);
      const code = Number(process.exitCode ?? exitCode);
      // A command that stopped early (usage error, refusal, failure) still gives a script its document.
      printer.result({}, code);
      return code;
    } finally {
      await app.close();
    }
  } finally {
    await stopStandIns();
  }
}
