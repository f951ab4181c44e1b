import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { hashSecret, newSecretToken } from '../common/secrets';
import { mfaConfig } from '../config/configuration';
import { PendingSignIn } from './schemas/pending-sign-in.schema';

/** Owns `mfa_pending_sign_ins`: sign-ins waiting for their second factor (MFA_CHALLENGE_TTL_SECONDS). */
@Injectable()
export class PendingSignInsService {
  constructor(
    @InjectModel(PendingSignIn.name) private readonly pending: Model<PendingSignIn>,
    @Inject(mfaConfig.KEY) private readonly config: ConfigType<typeof mfaConfig>,
  ) {}

  /** A new pending sign-in of the user: the token for its cookie (only its hash is stored). */
  async begin(userId: string): Promise<string> {
    const { token, hash } = newSecretToken();
    await this.pending.create({
      tokenHash: hash,
      user: new Types.ObjectId(userId),
      expiresAt: new Date(Date.now() + this.config.challengeTtlMs),
    });
    return token;
  }

  /** Whose live pending sign-in this token is (null: none, or expired). */
  async userOf(token: string): Promise<string | null> {
    const doc = await this.pending
      .findOne({ tokenHash: hashSecret(token), expiresAt: { $gt: new Date() } }, { user: 1 })
      .lean()
      .exec();
    return doc ? doc.user.toString() : null;
  }

  /** Ends the pending sign-in once its factor passed; false when it was already finished (a parallel request). */
  async finish(token: string): Promise<boolean> {
    const { deletedCount } = await this.pending
      .deleteOne({ tokenHash: hashSecret(token), expiresAt: { $gt: new Date() } })
      .exec();
    return deletedCount > 0;
  }

  async deleteAllOf(userId: string): Promise<void> {
    await this.pending.deleteMany({ user: new Types.ObjectId(userId) }).exec();
  }
}
