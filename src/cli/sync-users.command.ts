import { Command, Option } from 'nest-commander';
import { AdminCommand } from './admin-command';
import { StreamError } from '../stream/stream.errors';
import { StreamService } from '../stream/stream.service';
import { OBJECT_ID_PATTERN } from '../common/object-id';
import { UserDeletionService } from '../users/user-deletion.service';
import { SyncAllReport, UserSyncService } from '../users/user-sync.service';
import { UsersService } from '../users/users.service';
import { CliPrinter } from './cli-printer';
import { approve, CliPrompt } from './cli-prompt';
import { ExitCode } from './exit-code';

export interface SyncUsersOptions {
  dryRun?: boolean;
  prune?: boolean;
  soft?: boolean;
  yes?: boolean;
}

@Command({
  name: 'sync-users',
  description:
    'Repair drift between the app and Stream (e.g. after a Stream outage): upsert every app user into Stream in ' +
    'batches of 100 and mark them synced. With --prune, also delete Stream users that have no app user (listed ' +
    'first, then confirmed). Exits 0 when everything synced, 1 when anything failed, 2 on a usage error.',
})
export class SyncUsersCommand extends AdminCommand {
  constructor(
    private readonly sync: UserSyncService,
    private readonly users: UsersService,
    private readonly stream: StreamService,
    private readonly deletion: UserDeletionService,
    private readonly out: CliPrinter,
    private readonly prompt: CliPrompt,
  ) {
    super();
  }

  async run(_args: string[], options: SyncUsersOptions = {}): Promise<void> {
    if (options.soft && !options.prune) {
      this.out.error('--soft only applies to --prune. Run "sync-users --help" for usage.');
      process.exitCode = ExitCode.Usage;
      return;
    }
    // Checked before anything runs, so a script that forgot --yes changes nothing at all.
    if (options.prune && !options.dryRun && !options.yes && !this.prompt.isInteractive()) {
      this.out.error(
        'Refusing to --prune without confirmation: not a terminal. Pass --yes to confirm, or --dry-run to preview.',
      );
      process.exitCode = ExitCode.Usage;
      return;
    }
    if (options.dryRun) this.out.line('Dry run: nothing will be changed.');

    let report: SyncAllReport;
    try {
      report = await this.sync.syncAll({
        dryRun: options.dryRun,
        onProgress: (seen) => this.out.progress(`syncing users: ${seen} checked`),
      });
    } catch (error) {
      return this.streamFailed(error, 'sync');
    }
    this.printSync(report, options.dryRun);
    let exitCode = report.failed.length > 0 ? ExitCode.Failed : ExitCode.Ok;
    if (options.prune) {
      try {
        exitCode = Math.max(exitCode, await this.prune(options));
      } catch (error) {
        return this.streamFailed(error, 'prune');
      }
    }
    process.exitCode = exitCode;
  }

  @Option({
    flags: '--dry-run',
    description: 'count what would change (and list orphans with --prune); change nothing',
  })
  parseDryRun(): boolean {
    return true;
  }

  @Option({
    flags: '--prune',
    description: 'also delete Stream users that have no app user (hard delete; lists them and asks first)',
  })
  parsePrune(): boolean {
    return true;
  }

  @Option({ flags: '--soft', description: 'with --prune: soft-delete the orphans in Stream instead' })
  parseSoft(): boolean {
    return true;
  }

  @Option({
    flags: '-y, --yes',
    description: 'do not ask before pruning (required for --prune when not run from a terminal)',
  })
  parseYes(): boolean {
    return true;
  }

  private async prune(options: SyncUsersOptions): Promise<ExitCode> {
    const orphans = await this.findOrphans();
    if (orphans.length === 0) {
      this.out.line('Stream users without an app user: none.');
      return ExitCode.Ok;
    }
    this.out.line(`Stream users without an app user: ${orphans.length}`);
    orphans.forEach((id) => this.out.line(`  ${id}`));
    const mode = options.soft ? 'soft' : 'hard';
    if (options.dryRun) {
      this.out.line(`Would ${mode} delete these ${orphans.length} Stream user(s).`);
      return ExitCode.Ok;
    }
    const plan =
      `About to ${mode.toUpperCase()} delete these ${orphans.length} Stream user(s)` +
      (mode === 'hard' ? ' with their messages and conversations.' : '.');
    const decision = await approve(this.prompt, this.out, plan, 'sync-users', options.yes);
    if (decision !== 'proceed') return decision;

    // Time passed while the operator read the list: never delete someone who has an app user by now.
    const appUsers = await this.users.findExistingIds(orphans.filter((id) => OBJECT_ID_PATTERN.test(id)));
    const report = await this.deletion.deleteUsers(
      orphans.filter((id) => !appUsers.has(id)),
      { mode, streamOnly: true },
    );
    const failures = report.results.filter((r) => r.status === 'failed' || r.status === 'invalid');
    failures.forEach((r) => this.out.error(`  ${r.id}: ${r.error ?? r.status}`));
    this.out.line(
      `Pruned ${report.counts.deleted} Stream user(s); ${report.counts['not-found']} already gone; ` +
        `${failures.length} failed.`,
    );
    return failures.length > 0 ? ExitCode.Failed : ExitCode.Ok;
  }

  /** Stream ids with no app user. Ids that are not ObjectIds can never be app users. */
  private async findOrphans(): Promise<string[]> {
    const orphans: string[] = [];
    for await (const page of this.stream.allUserIds()) {
      const candidates = page.filter((id) => OBJECT_ID_PATTERN.test(id));
      const appUsers = await this.users.findExistingIds(candidates);
      orphans.push(...page.filter((id) => !appUsers.has(id)));
    }
    return orphans;
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

  private streamFailed(error: unknown, step: 'sync' | 'prune'): void {
    if (!(error instanceof StreamError)) throw error;
    this.out.error(
      `Stream failed during ${step}: ${error.message}. What completed is kept; re-run sync-users when Stream is back.`,
    );
    process.exitCode = ExitCode.Failed;
  }
}
