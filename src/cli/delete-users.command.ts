import { Command, Option } from 'nest-commander';
import { AdminCommand } from './admin-command';
import { STREAM_BATCH_LIMIT } from '../stream/stream.service';
import { DeletionReport, DeletionResult, UserDeletionService } from '../users/user-deletion.service';
import { CliPrinter } from './cli-printer';
import { approve, CliPrompt } from './cli-prompt';
import { ExitCode } from './exit-code';
import { partitionIds, readIdFile } from './id-list';

export interface DeleteUsersOptions {
  soft?: boolean;
  streamOnly?: boolean;
  fromFile?: string;
  dryRun?: boolean;
  yes?: boolean;
}

@Command({
  name: 'delete-users',
  arguments: '[ids...]',
  argsDescription: { ids: 'user ids (24 hex digits); more can come from --from-file' },
  description:
    'Delete users in Stream (hard by default: user, messages and conversations) and in the app (user, friend ' +
    'requests, friendships). Asks before deleting; exits 0 when every id succeeded or was not found, 1 when ' +
    'any failed, 2 on a usage error. Safe to re-run: it finishes what a failed run left.',
})
export class DeleteUsersCommand extends AdminCommand {
  constructor(
    private readonly deletion: UserDeletionService,
    private readonly out: CliPrinter,
    private readonly prompt: CliPrompt,
  ) {
    super();
  }

  async run(args: string[], options: DeleteUsersOptions = {}): Promise<void> {
    const entries = [...args];
    if (options.fromFile) {
      try {
        entries.push(...(await readIdFile(options.fromFile)));
      } catch (error) {
        return this.usageError(`cannot read --from-file ${options.fromFile}: ${(error as Error).message}`);
      }
    }
    if (entries.length === 0) {
      return this.usageError('no user ids given: pass ids as arguments or --from-file <path>');
    }
    const { valid, invalid, duplicates } = partitionIds(entries);
    if (invalid.length > 0) {
      this.out.error(`${invalid.length} invalid id(s), not 24 hex digits, skipped: ${invalid.join(', ')}`);
    }
    if (valid.length === 0) return this.usageError('no valid user ids: nothing to delete');
    if (duplicates > 0) this.out.line(`${duplicates} repeated id(s) counted once`);

    const mode = options.soft ? 'soft' : 'hard';
    const what =
      `${valid.length} user(s): ${mode.toUpperCase()} delete in Stream` +
      (mode === 'hard' ? ' (user, messages and conversations)' : '') +
      (options.streamOnly ? '; app data kept (--stream-only)' : ' and delete their app data');

    if (options.dryRun) {
      this.out.line(`Dry run, nothing will be changed. Would act on ${what}.`);
      const report = await this.deletion.deleteUsers(valid, {
        mode,
        streamOnly: options.streamOnly,
        dryRun: true,
      });
      this.printReport(report, mode, options.streamOnly, invalid);
      this.out.line(
        `Dry run: ${report.counts['would-delete']} would be deleted, ${report.counts['not-found']} not found, ` +
          `${report.counts.failed} could not be checked. Nothing was changed.`,
      );
      process.exitCode = report.counts.failed > 0 ? ExitCode.Failed : ExitCode.Ok;
      return;
    }

    const decision = await approve(
      this.prompt,
      this.out,
      `About to delete ${what}.`,
      'delete-users',
      options.yes,
    );
    if (decision !== 'proceed') {
      process.exitCode = decision;
      return;
    }

    const report = await this.deletion.deleteUsers(valid, {
      mode,
      streamOnly: options.streamOnly,
      onProgress: (done, total) => {
        if (total > STREAM_BATCH_LIMIT) this.out.progress(`deleting users: ${done}/${total} processed`);
      },
    });
    this.printReport(report, mode, options.streamOnly, invalid);
    const { deleted, failed } = report.counts;
    this.out.line(
      `Deleted ${deleted}, not found ${report.counts['not-found']}, failed ${failed}` +
        (invalid.length > 0 ? `, invalid ${invalid.length}` : '') +
        '.',
    );
    if (failed > 0) {
      this.out.error(
        `${failed} deletion(s) failed (see DETAIL). Where Stream failed, that user's app data was kept. ` +
          'Re-run the same command to finish: it skips what is already done.',
      );
    }
    process.exitCode = failed > 0 || invalid.length > 0 ? ExitCode.Failed : ExitCode.Ok;
  }

  @Option({ flags: '--soft', description: 'soft-delete in Stream instead of the default hard delete' })
  parseSoft(): boolean {
    return true;
  }

  @Option({
    flags: '--stream-only',
    description: "delete in Stream only and keep the app's user, friend requests and friendships",
  })
  parseStreamOnly(): boolean {
    return true;
  }

  @Option({
    flags: '--from-file <path>',
    description: 'read more ids from a file: one per line, blank lines and # comments ignored',
  })
  parseFromFile(path: string): string {
    return path;
  }

  @Option({ flags: '--dry-run', description: 'show what would be deleted and change nothing' })
  parseDryRun(): boolean {
    return true;
  }

  @Option({
    flags: '-y, --yes',
    description: 'do not ask for confirmation (required when not run from a terminal)',
  })
  parseYes(): boolean {
    return true;
  }

  private printReport(
    report: DeletionReport,
    mode: 'hard' | 'soft',
    streamOnly: boolean | undefined,
    invalid: string[],
  ): void {
    const rows = report.results.map((r) => [
      r.id,
      r.status,
      streamCell(r, mode),
      appCell(r, streamOnly),
      detail(r),
    ]);
    invalid.forEach((entry) => rows.push([entry, 'invalid', '-', '-', 'not 24 hex digits']));
    this.out.table(['ID', 'RESULT', 'STREAM', 'APP', 'DETAIL'], rows);
  }

  private usageError(message: string): void {
    this.out.error(message);
    this.out.error('Run "delete-users --help" for usage.');
    process.exitCode = ExitCode.Usage;
  }
}

function streamCell(r: DeletionResult, mode: 'hard' | 'soft'): string {
  if (r.status === 'failed' && r.failedStep === 'stream') return 'failed';
  if (!r.inStream) return 'absent';
  return r.status === 'would-delete' ? `would ${mode} delete` : `${mode} deleted`;
}

function appCell(r: DeletionResult, streamOnly: boolean | undefined): string {
  if (streamOnly) return r.inApp ? 'kept' : 'absent';
  if (r.status === 'failed') return r.failedStep === 'app' ? 'failed' : r.inApp ? 'kept' : 'absent';
  if (r.status === 'would-delete') return r.inApp ? 'would delete' : 'absent';
  return r.inApp ? 'deleted' : 'absent';
}

function detail(r: DeletionResult): string {
  if (r.error) return r.error;
  if (r.friendLinksRemoved === undefined || r.status === 'not-found') return '';
  return `${r.friendLinksRemoved} friend link(s), ${r.requestsRemoved ?? 0} friend request(s) removed`;
}
