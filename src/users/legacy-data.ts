import { Types } from 'mongoose';
import { FriendRequestStatus } from './schemas/friend-request.schema';

// What the migration (migration/) reads of documents the Express backend wrote, and the repairs it asks for.

export interface LegacyUser {
  _id: Types.ObjectId;
  email: string;
  nativeLanguage?: string;
  learningLanguage?: string;
  friends?: Types.ObjectId[];
  /** Absent on a user the Express backend wrote: never mirrored by this service yet. */
  syncPending?: boolean;
}

/** Accounts whose emails differ only in case: the login (which lower-cases) can reach one of them at most. */
export interface EmailCaseConflict {
  email: string;
  accounts: { id: string; email: string; createdAt?: Date }[];
}

export interface UserRepair {
  id: Types.ObjectId;
  /** Normalised fields (lower-cased email, languages). */
  set?: Partial<Pick<LegacyUser, 'email' | 'nativeLanguage' | 'learningLanguage'>>;
  /** Give the user the sync state of a changed profile, so the worker pushes it to Stream. */
  startSync?: boolean;
  addFriends?: Types.ObjectId[];
  removeFriends?: Types.ObjectId[];
}

export interface LegacyFriendRequest {
  _id: Types.ObjectId;
  sender: Types.ObjectId;
  recipient: Types.ObjectId;
  status: FriendRequestStatus;
  createdAt?: Date;
  pairKey?: string;
}
