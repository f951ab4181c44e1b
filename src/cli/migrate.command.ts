import { Command, Option } from 'nest-commander';
import { MigrationReport, MigrationService } from '../migration/migration.service';
import { AdminCommand } from './admin-command';
import { MIGRATE } from './cli-manifest';
import { CliPrinter } from './cli-printer';
import { ExitCode } from './exit-code';
import { printIndexFailures } from './indexes.command';

@Command(MIGRATE.command)
export class MigrateCommand extends AdminCommand {
  constructor(
    private readonly migration: MigrationService,
    private readonly out: CliPrinter,
  ) {
    super();
  }

  async run(_args: string[], options: { dryRun?: boolean } = {}): Promise<void> {
    const dryRun = options.dryRun === true;
    this.out.line(dryRun ? 'Dry run: nothing will be changed.' : 'Migrating (safe to interrupt and re-run).');
    const report = await this.migration.migrate({
      dryRun,
      onProgress: (step, done, total) =>
        this.out.progress(`${step}: ${done}${total === undefined ? '' : `/${total}`} checked`),
    });
    this.print(report);
    // The same rule for both: what the real run cannot settle makes it exit 1, and so does the dry run.
    const exitCode =
      report.emailCaseConflicts.length > 0 || report.indexes.failed.length > 0
        ? ExitCode.Failed
        : ExitCode.Ok;
    this.out.result(report, exitCode);
    process.exitCode = exitCode;
  }

  @Option(MIGRATE.options.dryRun)
  parseDryRun(): boolean {
    return true;
  }

  private print(report: MigrationReport): void {
    const would = report.dryRun ? 'would be ' : '';
    const { users, friendRequests: requests } = report;
    this.out.line(`Users: ${users.total} checked (none is ever deleted)`);
    this.out.line(`  emails ${would}lower-cased: ${users.emailsLowerCased}`);
    this.out.line(`  languages ${would}lower-cased: ${users.languagesLowerCased}`);
    this.out.line(`  ${would}queued for Stream (same id): ${users.queuedForStream}`);
    this.out.line(`  one-sided friendships ${would}made mutual: ${users.friendLinksAdded}`);
    this.out.line(`  links to deleted users ${would}removed: ${users.missingFriendsRemoved}`);
    this.out.line(`Friend requests: ${requests.total} checked`);
    this.out.line(`  pair keys ${would}set: ${requests.pairKeysSet}`);
    this.out.line(`  naming a deleted user (left alone): ${requests.orphaned}`);
    this.out.line(
      `  pairs with several live requests: ${requests.duplicates.length} (the accepted one, else the oldest, is kept)`,
    );
    for (const d of requests.duplicates)
      this.out.line(`    ${d.pair}: kept ${d.kept}, ${would}removed ${d.removed.join(', ')}`);
    this.out.line(
      `Indexes ${report.dryRun ? 'to build' : 'built'}: ${report.indexes.built.length ? report.indexes.built.join('; ') : 'none'}`,
    );
    printIndexFailures(this.out, report.indexes.failed);
    if (report.emailCaseConflicts.length === 0) return;
    this.out.error(
      `Needs an operator: ${report.emailCaseConflicts.length} email(s) shared by accounts that differ only in ` +
        'case. Their addresses were left as they are; sign-in (which lower-cases) reaches at most the one ' +
        'already in lower case. Decide which account keeps each address, change or delete the other ' +
        '(delete-users <id>), then re-run migrate.',
    );
    for (const c of report.emailCaseConflicts) {
      this.out.error(`  ${c.email}: ${c.accounts.map((a) => `${a.id} (${a.email})`).join(', ')}`);
    }
  }
}
