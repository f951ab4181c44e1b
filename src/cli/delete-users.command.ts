import { Command, Option } from 'nest-commander';
import {
  AccountDeletionService,
  DeletionReport,
  DeletionRequest,
  DeletionResult,
} from '../accounts/account-deletion.service';
import { AuditLogService } from '../audit/audit-log.service';
import { AuditAction } from '../audit/schemas/audit-entry.schema';
import { STREAM_BATCH_LIMIT } from '../stream/stream.service';
import { AdminCommand } from './admin-command';
import { cliActor } from './cli-actor';
import { CliPrinter } from './cli-printer';
import { approve, CliPrompt } from './cli-prompt';
import { DELETE_USERS } from './cli-manifest';
import { ExitCode } from './exit-code';
import { readIdFile } from './id-list';

export interface DeleteUsersOptions {
  soft?: boolean;
  streamOnly?: boolean;
  fromFile?: string;
  dryRun?: boolean;
  yes?: boolean;
}

@Command(DELETE_USERS.command)
export class DeleteUsersCommand extends AdminCommand {
  constructor(
    private readonly deletion: AccountDeletionService,
    private readonly audit: AuditLogService,
    private readonly out: CliPrinter,
    private readonly prompt: CliPrompt,
  ) {
    super();
  }

  async run(args: string[], options: DeleteUsersOptions = {}): Promise<void> {
    process.exitCode = await this.execute(args, options);
  }

  private finish(report: DeletionReport, exitCode: ExitCode): ExitCode {
    this.out.result(report, exitCode);
    return exitCode;
  }

  private async execute(args: string[], options: DeleteUsersOptions): Promise<ExitCode> {
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
    const request = this.deletion.prepareDeletion(entries, {
      mode: options.soft ? 'soft' : 'hard',
      keepAppData: options.streamOnly,
    });
    if (request.invalid.length > 0) {
      this.out.error(
        `${request.invalid.length} invalid id(s), not 24 hex digits, skipped: ${request.invalid.join(', ')}`,
      );
    }
    if (request.ids.length === 0) return this.usageError('no valid user ids: nothing to delete');
    if (request.duplicates > 0) this.out.line(`${request.duplicates} repeated id(s) counted once`);

    if (options.dryRun) {
      this.out.line(`Dry run, nothing will be changed. Would act on ${describe(request)}.`);
      const plan = await this.deletion.planDeletion(request);
      this.printReport(plan, request);
      this.out.line(
        `Dry run: ${plan.counts['would-delete']} would be deleted, ${plan.counts['not-found']} not found, ` +
          `${plan.counts.failed} could not be checked. Nothing was changed.`,
      );
      // As the real run: an invalid id is a failure there, so it is here.
      return this.finish(plan, plan.ok ? ExitCode.Ok : ExitCode.Failed);
    }

    const decision = await approve(
      this.prompt,
      this.out,
      `About to delete ${describe(request)}.`,
      'delete-users',
      options.yes,
    );
    if (decision !== 'proceed') return decision;

    const report = await this.deletion.deleteUsers(request, (done, total) => {
      if (total > STREAM_BATCH_LIMIT) this.out.progress(`deleting users: ${done}/${total} processed`);
    });
    await this.recordDeletions(report, request);
    this.printReport(report, request);
    const { deleted, failed, invalid } = report.counts;
    this.out.line(
      `Deleted ${deleted}, not found ${report.counts['not-found']}, failed ${failed}` +
        (invalid > 0 ? `, invalid ${invalid}` : '') +
        '.',
    );
    if (failed > 0) {
      this.out.error(
        `${failed} deletion(s) failed (see DETAIL). Where Stream failed, that user's app data was kept. ` +
          'Re-run the same command to finish: it skips what is already done.',
      );
    }
    return this.finish(report, report.ok ? ExitCode.Ok : ExitCode.Failed);
  }

  @Option(DELETE_USERS.options.soft)
  parseSoft(): boolean {
    return true;
  }

  @Option(DELETE_USERS.options.streamOnly)
  parseStreamOnly(): boolean {
    return true;
  }

  @Option(DELETE_USERS.options.fromFile)
  parseFromFile(path: string): string {
    return path;
  }

  @Option(DELETE_USERS.options.dryRun)
  parseDryRun(): boolean {
    return true;
  }

  @Option(DELETE_USERS.options.yes)
  parseYes(): boolean {
    return true;
  }

  /** One audit entry per user actually deleted (an id found nowhere deleted nothing). */
  private async recordDeletions(report: DeletionReport, request: DeletionRequest): Promise<void> {
    const actor = cliActor();
    const how = `delete-users: ${request.mode} delete in Stream, ${request.keepAppData ? 'app data kept' : 'app data deleted'}`;
    for (const result of report.results.filter((r) => r.status === 'deleted')) {
      await this.audit.record(actor, {
        action: AuditAction.UserDelete,
        targetUserId: result.id,
        reason: how,
      });
    }
  }

  private printReport(report: DeletionReport, request: DeletionRequest): void {
    const rows = report.results.map((r) => [
      r.id,
      r.status,
      streamCell(r, request),
      appCell(r, request),
      detail(r),
    ]);
    this.out.table(['ID', 'RESULT', 'STREAM', 'APP', 'DETAIL'], rows);
  }

  private usageError(message: string): ExitCode {
    this.out.error(message);
    this.out.error('Run "delete-users --help" for usage.');
    return ExitCode.Usage;
  }
}

function describe({ ids, mode, keepAppData }: DeletionRequest): string {
  return (
    `${ids.length} user(s): ${mode.toUpperCase()} delete in Stream` +
    (mode === 'hard' ? ' (user, messages and conversations)' : '') +
    (keepAppData ? '; app data kept (--stream-only)' : ' and delete their app data')
  );
}

function streamCell(r: DeletionResult, { mode }: DeletionRequest): string {
  if (r.status === 'invalid') return '-';
  if (r.status === 'failed' && r.failedStep === 'stream') return 'failed';
  if (!r.inStream) return 'absent';
  return r.status === 'would-delete' ? `would ${mode} delete` : `${mode} deleted`;
}

function appCell(r: DeletionResult, { keepAppData }: DeletionRequest): string {
  if (r.status === 'invalid') return '-';
  if (keepAppData) return r.inApp ? 'kept' : 'absent';
  if (r.status === 'failed') return r.failedStep === 'app' ? 'failed' : r.inApp ? 'kept' : 'absent';
  if (r.status === 'would-delete') return r.inApp ? 'would delete' : 'absent';
  return r.inApp ? 'deleted' : 'absent';
}

function detail(r: DeletionResult): string {
  if (r.error) return r.error;
  if (r.friendLinksRemoved === undefined || r.status === 'not-found') return '';
  return `${r.friendLinksRemoved} friend link(s), ${r.requestsRemoved ?? 0} friend request(s) removed`;
}
