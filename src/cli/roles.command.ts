import { Command, Option } from 'nest-commander';
import { GRANTABLE_ROLES, GrantableRole, RoleChange, RolesService } from '../moderation/roles.service';
import { AdminCommand } from './admin-command';
import { cliActor } from './cli-actor';
import { ROLES } from './cli-manifest';
import { CliPrinter } from './cli-printer';
import { approve, CliPrompt } from './cli-prompt';
import { ExitCode } from './exit-code';

const isGrantable = (role: string | undefined): role is GrantableRole =>
  GRANTABLE_ROLES.includes(role as GrantableRole);

@Command(ROLES.command)
export class RolesCommand extends AdminCommand {
  constructor(
    private readonly roles: RolesService,
    private readonly out: CliPrinter,
    private readonly prompt: CliPrompt,
  ) {
    super();
  }

  async run([action, who, role]: string[], options: { yes?: boolean } = {}): Promise<void> {
    process.exitCode = await this.execute(action, who, role, options.yes);
  }

  @Option(ROLES.options.yes)
  parseYes(): boolean {
    return true;
  }

  private async execute(action: string, who?: string, role?: string, yes?: boolean): Promise<ExitCode> {
    if (action === 'list')
      return who === undefined ? this.list() : this.usageError('list takes no arguments');
    if (action !== 'grant' && action !== 'revoke') {
      return this.usageError(`unknown action "${action}": grant, revoke or list`);
    }
    if (!who || !role) return this.usageError(`${action} needs an account (email or user id) and a role`);
    if (!isGrantable(role))
      return this.usageError(`role must be ${GRANTABLE_ROLES.join(' or ')}, not "${role}"`);

    const plan = `About to ${action} the ${role} role ${action === 'grant' ? 'to' : 'from'} ${who}.`;
    const decision = await approve(this.prompt, this.out, plan, 'roles', yes);
    if (decision !== 'proceed') return decision;

    const change =
      action === 'grant'
        ? await this.roles.grant(who, role, cliActor())
        : await this.roles.revoke(who, role, cliActor());
    const code = change.status === 'not-found' ? ExitCode.Failed : ExitCode.Ok;
    if (change.status === 'not-found')
      this.out.error(`No account with the email or id "${who}": nothing changed.`);
    else this.out.line(describe(change, role));
    this.out.result({ change }, code);
    return code;
  }

  private async list(): Promise<ExitCode> {
    const staff = await this.roles.list();
    if (staff.length === 0) this.out.line('No moderators or admins.');
    else
      this.out.table(
        ['ID', 'ROLE', 'EMAIL', 'NAME'],
        staff.map((u) => [u._id, u.role, u.email, u.fullName]),
      );
    this.out.result({ staff }, ExitCode.Ok);
    return ExitCode.Ok;
  }

  private usageError(message: string): ExitCode {
    this.out.error(message);
    this.out.error('Run "roles --help" for usage.');
    return ExitCode.Usage;
  }
}

function describe(change: RoleChange, role: GrantableRole): string {
  if (change.status === 'granted') return `Granted ${role} to ${change.userId} (was ${change.previousRole}).`;
  if (change.status === 'revoked') return `Revoked ${role} from ${change.userId}: now user.`;
  return `Unchanged: ${change.userId} is ${change.role}; nothing recorded.`;
}
