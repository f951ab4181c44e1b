import { fail } from './errors';
import { isPlainObject, type Doc } from './values';

/**
 * What mongod's `failCommand` fail point does to one matching command, in its order: wait `blockTimeMS` first
 * (blockConnection), then drop the connection without a reply (closeConnection), or answer an error
 * (errorCode, with errorLabels), or run the command and add a `writeConcernError` to its reply.
 */
export interface CommandFailure {
  blockTimeMs: number;
  closeConnection: boolean;
  errorReply?: Doc;
  writeConcernError?: Doc;
}

interface FailCommand {
  commands: Set<string>;
  /** Matches left, or Infinity for alwaysOn. */
  remaining: number;
  appName?: string;
  failure: CommandFailure;
}

function timesOf(mode: unknown): number {
  if (mode === 'alwaysOn') return Infinity;
  if (mode === 'off') return 0;
  if (isPlainObject(mode) && typeof mode.times === 'number' && mode.times > 0) return mode.times;
  return fail('BadValue', "'mode' must be 'alwaysOn', 'off' or { times: <positive number> }");
}

function failureOf(data: Doc): CommandFailure {
  const failure: CommandFailure = {
    blockTimeMs: data.blockConnection === true ? Number(data.blockTimeMS ?? 0) : 0,
    closeConnection: data.closeConnection === true,
  };
  if (typeof data.errorCode === 'number') {
    failure.errorReply = {
      ok: 0,
      errmsg: "Failing command via 'failCommand' failpoint",
      code: data.errorCode,
      ...(Array.isArray(data.errorLabels) ? { errorLabels: data.errorLabels } : {}),
    };
  }
  if (isPlainObject(data.writeConcernError)) failure.writeConcernError = data.writeConcernError;
  return failure;
}

/**
 * The server's `failCommand` fail point, set with `configureFailPoint` on the admin database as a test would on
 * a real mongod (`enableTestCommands`), so the driver's own error paths can be provoked over the wire.
 */
export class FailPoints {
  private failCommand?: FailCommand;

  /** `{ configureFailPoint: 'failCommand', mode, data }`: answers `{ count }`, the matches the old setting had left. */
  configure(cmd: Doc, db: string): Doc {
    if (db !== 'admin')
      fail('Unauthorized', 'configureFailPoint may only be run against the admin database.');
    if (cmd.configureFailPoint !== 'failCommand')
      fail('BadValue', `Cannot find fail point: ${String(cmd.configureFailPoint)}`);
    const count = this.failCommand?.remaining ?? 0;
    const remaining = timesOf(cmd.mode);
    const data = isPlainObject(cmd.data) ? cmd.data : {};
    if (remaining === 0) this.failCommand = undefined;
    else {
      if (!Array.isArray(data.failCommands))
        fail('BadValue', "'failCommands' must be an array of command names");
      this.failCommand = {
        commands: new Set(data.failCommands.map(String)),
        remaining,
        appName: typeof data.appName === 'string' ? data.appName : undefined,
        failure: failureOf(data),
      };
    }
    return { count: Number.isFinite(count) ? count : 0, ok: 1 };
  }

  /** The failure for this command on a connection of `appName`, counting it against `times`; none if it misses. */
  hit(commandName: string, appName: string | undefined): CommandFailure | undefined {
    const point = this.failCommand;
    if (!point || !point.commands.has(commandName)) return undefined;
    if (point.appName !== undefined && point.appName !== appName) return undefined;
    point.remaining -= 1;
    if (point.remaining <= 0) this.failCommand = undefined;
    return point.failure;
  }
}
