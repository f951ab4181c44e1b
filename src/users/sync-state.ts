import { Types } from 'mongoose';

/** What the Stream mirror reads of a user it pushes (see accounts/stream-sync.service.ts). */
export interface SyncCandidate {
  _id: Types.ObjectId;
  fullName: string;
  profilePic: string;
  profileVersion: number;
  syncAttempts: number;
  /** Whether Stream has acknowledged a push of this user before: then a push updates, never replaces. */
  inStream?: boolean;
  /** Seconds: Stream must refuse this user's tokens issued earlier. */
  chatTokensValidFrom?: number;
}

export interface SyncPageEntry extends SyncCandidate {
  syncPending: boolean;
}

/** A failed push: when to try this user again. */
export interface SyncRetry {
  id: Types.ObjectId;
  attempt: number;
  nextAt: Date;
  error: string;
}

export const SYNC_FIELDS = {
  fullName: 1,
  profilePic: 1,
  profileVersion: 1,
  syncAttempts: 1,
  inStream: 1,
  chatTokensValidFrom: 1,
} as const;

/** The mirror's state of one user, as their data export shows it. */
export interface SyncState {
  pending: boolean;
  attempts: number;
  nextAttemptAt: Date | null;
  lastError: string | null;
  profileVersion: number;
  chatTokensValidFrom: Date | null;
}
