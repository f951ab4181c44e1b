import { userInfo } from 'node:os';
import type { AuditActor } from '../audit/audit-log.service';

/** Who runs the CLI, for the audit log: the OS account (its uid when the system has no name for it). */
export function cliActor(): AuditActor {
  try {
    return { kind: 'cli', osUser: userInfo().username };
  } catch {
    return { kind: 'cli', osUser: `uid ${process.getuid?.() ?? 'unknown'}` };
  }
}
