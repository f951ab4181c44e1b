import { Command, Option } from 'nest-commander';
import { AccountDeletionService } from '../accounts/account-deletion.service';
import { SyncAllReport, StreamSyncService } from '../accounts/stream-sync.service';
import { StreamError } from '../stream/stream.errors';
import { AdminCommand } from './admin-command';
import { CliPrinter } from './cli-printer';
import { approve, CliPrompt } from './cli-prompt';
import { SYNC_USERS } from './cli-manifest';
import { ExitCode } from './exit-code';

type Stage = 'sync' | 'prune';

class StreamStageFailure extends Error {
  constructor(
    readonly stage: Stage,
    message: string,
  ) {
    super(message);
  }
}

export interface SyncUsersOptions {
  dryRun?: boolean;
  prune?: boolean;
  soft?: boolean;
  yes?: boolean;
}

@Command(SYNC_USERS.command)
export class SyncUsersCommand extends AdminCommand {
  constructor(
    private readonly sync: StreamSyncService,
    private readonly deletion: AccountDeletionService,
    private readonly out: CliPrinter,
    private readonly prompt: CliPrompt,
  ) {
    super();
  }

  /** What --json prints: filled in as the stages complete. */
  private readonly outcome: { sync?: SyncAllReport; orphans?: string[]; pruned?: unknown; error?: string } =
    {};

  async run(_args: string[], options: SyncUsersOptions = {}): Promise<void> {
    let exitCode: ExitCode;
    try {
      exitCode = await this.execute(options);
    } catch (error) {
      if (!(error instanceof StreamStageFailure)) throw error;
      this.outcome.error = `Stream failed during ${error.stage}: ${error.message}`;
      this.out.error(`${this.outcome.error}. What completed is kept; re-run sync-users when Stream is back.`);
      exitCode = ExitCode.Failed;
    }
    this.out.result(this.outcome, exitCode);
    process.exitCode = exitCode;
  }

  private async execute(options: SyncUsersOptions): Promise<ExitCode> {
    if (options.soft && !options.prune) {
      this.out.error('--soft only applies to --prune. Run "sync-users --help" for usage.');
      return ExitCode.Usage;
    }
    if (options.dryRun) this.out.line('Dry run: nothing will be changed.');
    // The orphans are listed and confirmed first, so a refusal changes nothing at all.
    const orphans = options.prune ? await this.listOrphans() : [];
    const mode = options.soft ? 'soft' : 'hard';
    if (orphans.length > 0 && options.dryRun) {
      this.out.line(`Would ${mode} delete these ${orphans.length} Stream user(s).`);
    } else if (orphans.length > 0) {
      const plan =
        `About to ${mode.toUpperCase()} delete these ${orphans.length} Stream user(s)` +
        (mode === 'hard' ? ' with their messages and conversations.' : '.');
      const decision = await approve(this.prompt, this.out, plan, 'sync-users', options.yes, '--prune');
      if (decision !== 'proceed') return decision;
    }

    const report = await this.stage('sync', () =>
      this.sync.syncAll({
        dryRun: options.dryRun,
        onProgress: (seen) => this.out.progress(`syncing users: ${seen} checked`),
      }),
    );
    this.outcome.sync = report;
    this.printSync(report, options.dryRun);
    if (orphans.length === 0 || options.dryRun)
      return report.failed.length > 0 ? ExitCode.Failed : ExitCode.Ok;

    const pruned = await this.stage('prune', () => this.deletion.pruneOrphans(orphans, mode));
    this.outcome.pruned = pruned;
    const failures = pruned.results.filter((r) => r.status === 'failed');
    failures.forEach((r) => this.out.error(`  ${r.id}: ${r.error ?? r.status}`));
    this.out.line(
      `Pruned ${pruned.counts.deleted} Stream user(s); ${pruned.counts['not-found']} already gone; ` +
        `${failures.length} failed.`,
    );
    return report.failed.length > 0 || failures.length > 0 ? ExitCode.Failed : ExitCode.Ok;
  }

  @Option(SYNC_USERS.options.dryRun)
  parseDryRun(): boolean {
    return true;
  }

  @Option(SYNC_USERS.options.prune)
  parsePrune(): boolean {
    return true;
  }

  @Option(SYNC_USERS.options.soft)
  parseSoft(): boolean {
    return true;
  }

  @Option(SYNC_USERS.options.yes)
  parseYes(): boolean {
    return true;
  }

  private async listOrphans(): Promise<string[]> {
    const orphans = await this.stage('prune', () => this.deletion.findOrphans());
    this.outcome.orphans = orphans;
    if (orphans.length === 0) {
      this.out.line('Stream users without an app user: none.');
      return orphans;
    }
    this.out.line(`Stream users without an app user: ${orphans.length}`);
    orphans.forEach((id) => this.out.line(`  ${id}`));
    return orphans;
  }

  /** A Stream failure ends the run, naming the stage it ended in. */
  private async stage<T>(name: Stage, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof StreamError) throw new StreamStageFailure(name, error.message);
      throw error;
    }
  }

  private printSync(report: SyncAllReport, dryRun?: boolean): void {
    const counts: [string, number][] = [
      ['App users', report.users],
      ['Pending sync (not yet in Stream)', report.pending],
      ['Missing in Stream', report.missingInStream],
      ...(dryRun
        ? ([['Would upsert', report.users]] as [string, number][])
        : ([
            ['Upserted and marked synced', report.upserted],
            ['Failed', report.failed.length],
          ] as [string, number][])),
    ];
    const width = Math.max(...counts.map(([label]) => label.length)) + 1;
    counts.forEach(([label, n]) => this.out.line(`${`${label}:`.padEnd(width)} ${n}`));
    report.failed.forEach((f) => this.out.error(`  ${f.id}: ${f.error}`));
  }
}
