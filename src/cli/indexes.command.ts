import { Command, Option } from 'nest-commander';
import { describeIndex, IndexBuildResult, IndexesService } from '../indexes/indexes.service';
import { AdminCommand } from './admin-command';
import { INDEXES } from './cli-manifest';
import { CliPrinter } from './cli-printer';
import { ExitCode } from './exit-code';

type FailedBuild = Extract<IndexBuildResult, { status: 'failed' }>;

/** A failed unique build, with the values that keep it from building and where they are. */
export function printIndexFailures(out: CliPrinter, failed: FailedBuild[]): void {
  for (const f of failed) {
    out.error(`Index ${describeIndex(f.index)} could not be built: ${f.error}`);
    for (const d of f.duplicates) {
      out.error(`  ${JSON.stringify(d.value)} is held by ${d.count} documents: ${d.ids.join(', ')}`);
    }
    if (f.duplicates.length > 0)
      out.error(
        '  Resolve the duplicates (the migrate command handles those a seed database has), then re-run.',
      );
  }
}

@Command(INDEXES.command)
export class IndexesCommand extends AdminCommand {
  constructor(
    private readonly indexes: IndexesService,
    private readonly out: CliPrinter,
  ) {
    super();
  }

  async run(_args: string[], options: { apply?: boolean } = {}): Promise<void> {
    const missing = await this.indexes.findMissing();
    if (missing.length === 0) {
      this.out.line('Every index the app relies on exists.');
      this.out.result({ missing: [], built: [], failed: [] }, ExitCode.Ok);
      process.exitCode = ExitCode.Ok;
      return;
    }
    this.out.line(`Missing: ${missing.length}`);
    missing.forEach((index) => this.out.line(`  + ${describeIndex(index)}`));
    if (!options.apply) {
      this.out.line('Run again with --apply to build them.');
      this.out.result({ missing: missing.map(describeIndex), built: [], failed: [] }, ExitCode.Failed);
      process.exitCode = ExitCode.Failed;
      return;
    }
    const results = await this.indexes.build(missing);
    const built = results.filter((r) => r.status === 'created').map((r) => describeIndex(r.index));
    const failed = results.filter((r): r is FailedBuild => r.status === 'failed');
    built.forEach((name) => this.out.line(`Built ${name}`));
    printIndexFailures(this.out, failed);
    const exitCode = failed.length > 0 ? ExitCode.Failed : ExitCode.Ok;
    this.out.result({ missing: missing.map(describeIndex), built, failed }, exitCode);
    process.exitCode = exitCode;
  }

  @Option(INDEXES.options.apply)
  parseApply(): boolean {
    return true;
  }
}
