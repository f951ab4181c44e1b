/** What the admin commands tell a calling script through `process.exitCode`. */
export enum ExitCode {
  /** Every id succeeded (or was already gone). */
  Ok = 0,
  /** Something failed, or the operator said no: re-running is safe. */
  Failed = 1,
  /** Bad arguments or a refused run: nothing was touched. */
  Usage = 2,
}
